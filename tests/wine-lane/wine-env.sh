# Sourced by setup.sh and run.sh: the lane's Wine environment, for $LANE's own prefix only.
export WINEPREFIX="$LANE/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko installers, no menu entries written into the Linux desktop.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY
for v in $(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
