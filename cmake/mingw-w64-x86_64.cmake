# Cross-compiling for 64-bit Windows with Debian's mingw-w64 (issue 14).
#
#   cmake -S . -B build-windows/pcn \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake \
#     -DPCN_WIN_DEPS="dir1;dir2;..."
#
# PCN_WIN_DEPS lists the install prefixes of the dependencies built for
# Windows (scripts/windows.sh makes them under build-windows/deps/); it may
# also come from the environment. Headers, libraries and pkg-config files
# are looked for there only; programs (protoc-c, perl) on the build machine.
# scripts/windows.sh also builds the CMake-built dependencies (libuv,
# libical) with this file.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(PCN_WIN_TRIPLE x86_64-w64-mingw32)

# The win32 thread model: nothing here needs winpthreads, and so no
# libwinpthread-1.dll to ship.
set(CMAKE_C_COMPILER ${PCN_WIN_TRIPLE}-gcc-win32)
set(CMAKE_CXX_COMPILER ${PCN_WIN_TRIPLE}-g++-win32)
set(CMAKE_RC_COMPILER ${PCN_WIN_TRIPLE}-windres)
set(CMAKE_AR ${PCN_WIN_TRIPLE}-gcc-ar-win32 CACHE FILEPATH "")
set(CMAKE_RANLIB ${PCN_WIN_TRIPLE}-gcc-ranlib-win32 CACHE FILEPATH "")

if(NOT PCN_WIN_DEPS AND DEFINED ENV{PCN_WIN_DEPS})
  string(REPLACE ":" ";" PCN_WIN_DEPS "$ENV{PCN_WIN_DEPS}")
endif()
# Try-compile projects see the same prefixes.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PCN_WIN_DEPS)

set(CMAKE_FIND_ROOT_PATH /usr/${PCN_WIN_TRIPLE} ${PCN_WIN_DEPS})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads the Windows prefixes' .pc files and none of the
# machine's own.
set(_pcn_pc "")
foreach(_d IN LISTS PCN_WIN_DEPS)
  list(APPEND _pcn_pc ${_d}/lib/pkgconfig ${_d}/share/pkgconfig)
endforeach()
string(REPLACE ";" ":" _pcn_pc "${_pcn_pc}")
set(ENV{PKG_CONFIG_LIBDIR} "${_pcn_pc}")
set(ENV{PKG_CONFIG_PATH} "")

# libgcc linked in: no libgcc_s_seh-1.dll beside the programs.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libgcc")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc")
