/* Stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks.
 * Rust's std (and so cryptography's _rust.pyd) imports ProcessPrng from it (Windows 10+).
 * ProcessPrng never fails on Windows; here it forwards to BCryptGenRandom's system RNG,
 * which Wine implements. Built with: x86_64-w64-mingw32-gcc -shared -O2 -s
 *   -o bcryptprimitives.dll bcryptprimitives.c bcryptprimitives.def -lbcrypt */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
