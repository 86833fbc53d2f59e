/* printf_check.h - PCN_PRINTF(fmt, first): the compiler checks a function's
 * printf-style format against its arguments.
 *
 * The one portability concern here: for mingw-w64 (the Windows build,
 * scripts/windows.sh) GCC's "printf" means the old msvcrt's formats, which
 * lack %zu and %lld; pcn is built there with __USE_MINGW_ANSI_STDIO, whose
 * printf is C99's, so the check is gnu_printf's.
 */
#ifndef PCN_PRINTF_CHECK_H
#define PCN_PRINTF_CHECK_H

#ifdef __MINGW32__
#define PCN_PRINTF(fmt, first) __attribute__((format(gnu_printf, fmt, first)))
#else
#define PCN_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#endif

#endif
