#!/bin/sh
# Build ScamGuard for macOS on a Mac: the app, its signatures, the installer package,
# notarisation and stapling. Run from anywhere:   packaging/macos/build.sh
#
# Makes dist/ScamGuard.app (`make package`, the spec's BUNDLE step, with the service's own
# build, dist/scamguard-service, copied into Contents/Helpers/scamguard-service) and
# dist/ScamGuard-<version>.pkg, which installs the app in /Applications, the LaunchDaemon
# that runs the service as root, and the machine-wide LaunchAgent for the tray
# (packaging/macos/scripts/postinstall explains what the install does).
#
# Environment. No keys or passwords live in the repository; all of this comes from the
# keychain of the Mac (or CI runner) doing the build. With no identity the build is unsigned
# (PyInstaller's ad-hoc signatures only) and says so: fine for testing on the build Mac,
# refused by Gatekeeper anywhere else.
#   SCAMGUARD_SIGN_APP        codesign identity, "Developer ID Application: NAME (TEAMID)"
#                             or its SHA-1 hash (security find-identity -v -p codesigning)
#   SCAMGUARD_SIGN_INSTALLER  productsign identity, "Developer ID Installer: NAME (TEAMID)";
#                             needed for notarisation, which takes only signed packages
#   SCAMGUARD_KEYCHAIN        keychain holding those identities (CI: a temporary keychain);
#                             default: the user's keychain search list
#   SCAMGUARD_NOTARY_PROFILE  notarytool credentials saved with
#                             `xcrun notarytool store-credentials NAME ...`
#     or SCAMGUARD_NOTARY_KEY, SCAMGUARD_NOTARY_KEY_ID, SCAMGUARD_NOTARY_ISSUER
#                             an App Store Connect API key (.p8 path, key id, issuer id)
#   SCAMGUARD_SKIP_BUILD=1    sign and package an existing dist/ScamGuard.app
#   PYTHON                    a python3 to read notarytool's JSON answer (default: python3)
#
# UNTESTED: nothing here can run on Linux (codesign, pkgbuild, productsign, notarytool,
# stapler, ditto, PlistBuddy are macOS tools). Only `sh -n` and shellcheck were run on it.
set -eu

cd "$(dirname "$0")/../.."
REPO=$(pwd)
HERE="$REPO/packaging/macos"
APP="$REPO/dist/ScamGuard.app"
ENTITLEMENTS="$HERE/entitlements.plist"
SERVICE_BUILD="$REPO/dist/scamguard-service"
SERVICE_IN_APP="$APP/Contents/Helpers/scamguard-service"
WORK="$REPO/build/macos-pkg"
PKG_ID=uk.co.scamguard.pkg
PY=${PYTHON:-python3}
SIGN_APP=${SCAMGUARD_SIGN_APP:-}
SIGN_INSTALLER=${SCAMGUARD_SIGN_INSTALLER:-}
KEYCHAIN=${SCAMGUARD_KEYCHAIN:-}

say() { echo "build.sh: $*"; }
die() {
	echo "build.sh: $*" >&2
	exit 1
}

[ "$(uname -s)" = Darwin ] || die "run this on a Mac: codesign, pkgbuild and notarytool are macOS tools"
if [ -n "$SIGN_INSTALLER" ] && [ -z "$SIGN_APP" ]; then
	die "SCAMGUARD_SIGN_INSTALLER is set but SCAMGUARD_SIGN_APP is not: a signed package of unsigned code cannot be notarised"
fi

VERSION=$(sed -n 's/^__version__ = "\([^"]*\)".*/\1/p' guard/__init__.py | head -n 1)
[ -n "$VERSION" ] || die "no __version__ = \"...\" line in guard/__init__.py"
PKG="$REPO/dist/ScamGuard-$VERSION.pkg"

# --- 1. The app ------------------------------------------------------------------------------
if [ "${SCAMGUARD_SKIP_BUILD:-}" != 1 ]; then
	make package
fi
[ -d "$APP" ] || die "$APP is missing: 'make package' on a Mac should make it (the spec's BUNDLE step)"
for exe in scamguard scamguard-tray; do
	[ -x "$APP/Contents/MacOS/$exe" ] || die "$APP/Contents/MacOS/$exe is missing"
done
# The service (no Qt), where the LaunchDaemon runs it from; signed with the app below.
[ -x "$SERVICE_BUILD/scamguard-service" ] || die "$SERVICE_BUILD/scamguard-service is missing: 'make package' makes it"
rm -rf "$SERVICE_IN_APP"
mkdir -p "$(dirname "$SERVICE_IN_APP")"
ditto "$SERVICE_BUILD" "$SERVICE_IN_APP"
rm -rf "$WORK"
mkdir -p "$WORK/root" "$WORK/scripts"

# --- 2. Code signatures, inside out ----------------------------------------------------------
# Apple: sign each code item separately, nested code before what contains it, never with
# --deep; every signature with a secure timestamp and the hardened runtime; entitlements on
# main executables only ("Don't apply entitlements to library code").
codesign_with_id() {
	if [ -n "$KEYCHAIN" ]; then
		codesign --force --timestamp --options runtime --keychain "$KEYCHAIN" --sign "$SIGN_APP" "$@"
	else
		codesign --force --timestamp --options runtime --sign "$SIGN_APP" "$@"
	fi
}
# Deepest paths first, so nested code is signed before anything that contains it.
deepest_first() { awk -F/ '{ print NF "\t" $0 }' | sort -rn -k1,1 | cut -f2-; }

if [ -n "$SIGN_APP" ]; then
	say "signing $APP as $SIGN_APP"
	xattr -cr "$APP" # Finder info or quarantine attributes make codesign refuse a bundle
	# Every Mach-O file outside Contents/MacOS (.so, .dylib, Qt framework binaries), except
	# the service's program, which is signed with the entitlements below.
	# (-type f: PyInstaller's cross-links between Frameworks and Resources are symlinks.)
	find "$APP/Contents" -type f ! -path "$APP/Contents/MacOS/*" ! -path "$SERVICE_IN_APP/scamguard-service" | while IFS= read -r f; do
		case $(file -b "$f") in
		*Mach-O*) echo "$f" ;;
		esac
	done | deepest_first >"$WORK/macho.txt"
	say "$(wc -l <"$WORK/macho.txt" | tr -d ' ') libraries"
	while IFS= read -r f; do
		codesign_with_id "$f"
	done <"$WORK/macho.txt"
	# Then the .framework bundles PyInstaller 6 keeps for Qt, which seal their resources.
	# One without an Info.plist is not a signable bundle; its binary is already signed.
	find "$APP/Contents" -type d -name '*.framework' | deepest_first | while IFS= read -r fw; do
		if [ -f "$fw/Resources/Info.plist" ] || [ -f "$fw/Versions/Current/Resources/Info.plist" ]; then
			codesign_with_id "$fw"
		else
			say "not a complete framework bundle (no Info.plist), binary signed on its own: $fw"
		fi
	done
	# The three programs, with the entitlements, then the app itself.
	find "$APP/Contents/MacOS" -type f | while IFS= read -r f; do
		case $(file -b "$f") in
		*Mach-O*) codesign_with_id --entitlements "$ENTITLEMENTS" "$f" ;;
		esac
	done
	codesign_with_id --entitlements "$ENTITLEMENTS" "$SERVICE_IN_APP/scamguard-service"
	codesign_with_id --entitlements "$ENTITLEMENTS" "$APP"
	codesign --verify --deep --strict --verbose=2 "$APP"
	codesign --display --entitlements - "$APP"
else
	say "UNSIGNED build: SCAMGUARD_SIGN_APP is not set (only PyInstaller's ad-hoc signatures);"
	say "Gatekeeper will refuse it on any other Mac. For testing only."
fi

# --- 3. The installer package ----------------------------------------------------------------
ditto "$APP" "$WORK/root/ScamGuard.app"
cp "$HERE/scripts/preinstall" "$HERE/scripts/postinstall" "$HERE/uk.co.scamguard.agent.plist" \
	"$HERE/uk.co.scamguard.service.plist" "$WORK/scripts/"
chmod 755 "$WORK/scripts/preinstall" "$WORK/scripts/postinstall"
chmod 644 "$WORK/scripts/uk.co.scamguard.agent.plist" "$WORK/scripts/uk.co.scamguard.service.plist"
# Not relocatable: otherwise Installer updates any other copy of the bundle id it finds (a
# build tree, a copy on a USB stick) instead of putting the app in /Applications, where the
# LaunchAgent looks for it.
pkgbuild --analyze --root "$WORK/root" "$WORK/component.plist"
/usr/libexec/PlistBuddy -c 'Set :0:BundleIsRelocatable false' "$WORK/component.plist"
pkgbuild --root "$WORK/root" --component-plist "$WORK/component.plist" \
	--scripts "$WORK/scripts" --identifier "$PKG_ID" --version "$VERSION" \
	--install-location /Applications "$WORK/ScamGuard-unsigned.pkg"
rm -f "$PKG"
if [ -n "$SIGN_INSTALLER" ]; then
	if [ -n "$KEYCHAIN" ]; then
		productsign --sign "$SIGN_INSTALLER" --keychain "$KEYCHAIN" --timestamp "$WORK/ScamGuard-unsigned.pkg" "$PKG"
	else
		productsign --sign "$SIGN_INSTALLER" --timestamp "$WORK/ScamGuard-unsigned.pkg" "$PKG"
	fi
	pkgutil --check-signature "$PKG"
else
	cp "$WORK/ScamGuard-unsigned.pkg" "$PKG"
	say "UNSIGNED package: SCAMGUARD_SIGN_INSTALLER is not set"
fi

# --- 4. Notarisation and stapling ------------------------------------------------------------
# Notarise the outermost container only (the .pkg): the notary service checks the code
# inside it, and the ticket is stapled to the .pkg so an offline Mac can check it too.
notary_auth=""
if [ -n "${SCAMGUARD_NOTARY_PROFILE:-}" ]; then
	notary_auth=profile
elif [ -n "${SCAMGUARD_NOTARY_KEY:-}" ]; then
	if [ -z "${SCAMGUARD_NOTARY_KEY_ID:-}" ] || [ -z "${SCAMGUARD_NOTARY_ISSUER:-}" ]; then
		die "SCAMGUARD_NOTARY_KEY needs SCAMGUARD_NOTARY_KEY_ID and SCAMGUARD_NOTARY_ISSUER"
	fi
	notary_auth=key
fi
notarytool() { # notarytool SUBCOMMAND ARG... with the configured credentials
	sub=$1
	shift
	if [ "$notary_auth" = profile ]; then
		xcrun notarytool "$sub" "$@" --keychain-profile "$SCAMGUARD_NOTARY_PROFILE"
	else
		xcrun notarytool "$sub" "$@" --key "$SCAMGUARD_NOTARY_KEY" \
			--key-id "$SCAMGUARD_NOTARY_KEY_ID" --issuer "$SCAMGUARD_NOTARY_ISSUER"
	fi
}
json_field() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2"; }

if [ -n "$SIGN_INSTALLER" ] && [ -n "$notary_auth" ]; then
	say "submitting $PKG for notarisation (this waits for Apple's answer)"
	notarytool submit "$PKG" --wait --output-format json >"$WORK/notary.json"
	# notarytool exits 0 even when the answer is Invalid: read the status.
	status=$(json_field "$WORK/notary.json" status)
	submission=$(json_field "$WORK/notary.json" id)
	if [ "$status" != Accepted ]; then
		[ -z "$submission" ] || notarytool log "$submission" >&2 || true
		die "notarisation: status '$status' for submission '$submission' (log above)"
	fi
	xcrun stapler staple "$PKG"
	xcrun stapler validate "$PKG"
	spctl --assess --type install --verbose=2 "$PKG"
	say "signed, notarised and stapled: $PKG"
elif [ -n "$SIGN_INSTALLER" ]; then
	say "signed but NOT notarised (no SCAMGUARD_NOTARY_PROFILE or SCAMGUARD_NOTARY_KEY):"
	say "Gatekeeper will block $PKG when it is downloaded"
else
	say "unsigned: $PKG"
fi
