/* Stand-in for Windows 10's system icuuc.dll, which Wine 8.0 lacks. PySide6-Essentials
 * 6.11's Qt6Core.dll imports ICU's converter API (ucnv_*) from it, for QStringConverter's
 * non-Unicode codecs only. This stub knows no converters: ucnv_open fails with
 * U_FILE_ACCESS_ERROR and ucnv_countAvailable is 0, so Qt falls back to its built-in
 * UTF-8/UTF-16/Latin-1 codecs, as on a Windows without ICU data. No converter is ever
 * handed out, so the remaining functions are never given a real one. */
#include <stdint.h>
#include <stddef.h>

typedef int UErrorCode;
typedef uint16_t UChar;
typedef int8_t UBool;
typedef struct UConverter UConverter;
typedef void (*UCallback)(void);
#define U_FILE_ACCESS_ERROR 4
#define FAIL(e) do { if ((e) && *(e) <= 0) *(e) = U_FILE_ACCESS_ERROR; } while (0)
#define EXPORT __declspec(dllexport)

EXPORT UConverter *ucnv_open(const char *name, UErrorCode *err) { (void)name; FAIL(err); return NULL; }
EXPORT void ucnv_close(UConverter *c) { (void)c; }
EXPORT void ucnv_reset(UConverter *c) { (void)c; }
EXPORT int8_t ucnv_getMaxCharSize(const UConverter *c) { (void)c; return 1; }
EXPORT const char *ucnv_getName(const UConverter *c, UErrorCode *err) { (void)c; FAIL(err); return NULL; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err)
{ (void)name; (void)standard; FAIL(err); return NULL; }
EXPORT void ucnv_getToUCallBack(const UConverter *c, UCallback *action, const void **ctx)
{ (void)c; if (action) *action = NULL; if (ctx) *ctx = NULL; }
EXPORT void ucnv_getFromUCallBack(const UConverter *c, UCallback *action, const void **ctx)
{ (void)c; if (action) *action = NULL; if (ctx) *ctx = NULL; }
EXPORT void ucnv_setToUCallBack(UConverter *c, UCallback a, const void *ctx, UCallback *old,
                                const void **oldCtx, UErrorCode *err)
{ (void)c; (void)a; (void)ctx; if (old) *old = NULL; if (oldCtx) *oldCtx = NULL; FAIL(err); }
EXPORT void ucnv_setFromUCallBack(UConverter *c, UCallback a, const void *ctx, UCallback *old,
                                  const void **oldCtx, UErrorCode *err)
{ (void)c; (void)a; (void)ctx; if (old) *old = NULL; if (oldCtx) *oldCtx = NULL; FAIL(err); }
EXPORT void ucnv_toUnicode(UConverter *c, UChar **t, const UChar *tl, const char **s,
                           const char *sl, int32_t *off, UBool flush, UErrorCode *err)
{ (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)off; (void)flush; FAIL(err); }
EXPORT void ucnv_fromUnicode(UConverter *c, char **t, const char *tl, const UChar **s,
                             const UChar *sl, int32_t *off, UBool flush, UErrorCode *err)
{ (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)off; (void)flush; FAIL(err); }
EXPORT int32_t ucnv_toUCountPending(const UConverter *c, UErrorCode *err) { (void)c; FAIL(err); return 0; }
EXPORT int32_t ucnv_fromUCountPending(const UConverter *c, UErrorCode *err) { (void)c; FAIL(err); return 0; }
EXPORT void ucnv_cbToUWriteUChars(void *args, const UChar *src, int32_t len, int32_t off, UErrorCode *err)
{ (void)args; (void)src; (void)len; (void)off; FAIL(err); }
EXPORT void ucnv_cbFromUWriteUChars(void *args, const UChar **src, const UChar *srcl, int32_t off,
                                    UErrorCode *err)
{ (void)args; (void)src; (void)srcl; (void)off; FAIL(err); }
/* ICU's stock callbacks; only ever passed to ucnv_set*CallBack above, never called. */
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
