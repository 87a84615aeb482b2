/* A Windows stand-in for /bin/sleep, for tests that start "a tool" under a given name:
 * copy it to AnyDesk.exe etc. and run `AnyDesk.exe SECONDS`. No DLLs beside kernel32/msvcrt,
 * so a copy runs from any folder.
 *
 * `AnyDesk.exe --run COMMAND LINE...` instead starts COMMAND LINE (passed on verbatim) as
 * its child, waits for it and exits with its exit code: a "tool" that launches another
 * program, as /bin/sh -c does in the POSIX tests (the guard started by a tool).
 * Built with:
 *   x86_64-w64-mingw32-gcc -O2 -s -o sleep.exe sleep.c */
#include <windows.h>
#include <stdlib.h>
#include <string.h>

/* The raw command line after the program's own name and the word --run, or NULL. */
static wchar_t *after_run(void)
{
    wchar_t *p = GetCommandLineW();
    if (*p == L'"') {                       /* a quoted program name */
        p = wcschr(p + 1, L'"');
        if (!p) return NULL;
        p++;
    } else {
        while (*p && *p != L' ' && *p != L'\t') p++;
    }
    while (*p == L' ' || *p == L'\t') p++;
    if (wcsncmp(p, L"--run", 5) != 0 || (p[5] != L' ' && p[5] != L'\t')) return NULL;
    p += 5;
    while (*p == L' ' || *p == L'\t') p++;
    return *p ? p : NULL;
}

int main(int argc, char **argv)
{
    wchar_t *command = argc > 1 && strcmp(argv[1], "--run") == 0 ? after_run() : NULL;
    if (command) {
        STARTUPINFOW si = { sizeof si };
        PROCESS_INFORMATION pi;
        DWORD code = 127;
        if (!CreateProcessW(NULL, command, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
            return 127;
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
        return (int)code;
    }
    double seconds = argc > 1 ? atof(argv[1]) : 30.0;
    if (seconds < 0) seconds = 0;
    Sleep((DWORD)(seconds * 1000.0));
    return 0;
}
