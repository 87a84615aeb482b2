/* A Windows stand-in for /bin/sleep, for tests that start "a tool" under a given name:
 * copy it to AnyDesk.exe etc. and run `AnyDesk.exe SECONDS`. No DLLs beside kernel32/msvcrt,
 * so a copy runs from any folder. Built with:
 *   x86_64-w64-mingw32-gcc -O2 -s -o sleep.exe sleep.c */
#include <windows.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 30.0;
    if (seconds < 0) seconds = 0;
    Sleep((DWORD)(seconds * 1000.0));
    return 0;
}
