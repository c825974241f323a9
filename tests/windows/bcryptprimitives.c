/* ProcessPrng, which Rust's standard library takes its random bytes from on Windows 10 and
 * later (bcryptprimitives.dll). Wine 8, the Wine of Debian 12, lacks the DLL; this stand-in
 * answers from RtlGenRandom, Windows' own generator that Wine does have. Used only by the
 * Windows test tier under Wine (tests/windows/wine-run.sh); a real Windows has the DLL. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
    if (!RtlGenRandom(data, chunk)) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
