# The desktop's stack for 64-bit Windows, and pcn-desktop.exe (issue 14).
# Sourced by scripts/windows.sh after pcn.exe (its helpers: dep, fetch_src,
# configure_host, cmake_host, copy_dlls; win_prefixes and the deps layout),
# never run alone. Each library is built from Debian 12's source package of
# the version the Linux desktop uses, with cmake/mingw-w64-x86_64.meson,
# the options taken from MSYS2's MINGW-packages (mingw-w64-glib2,
# mingw-w64-gtk4, ...) less what pcn-desktop does not use: no
# introspection, docs, tests, demos, media or printing backends. Why each
# is as it is: docs/windows.md, "The desktop".

# sassc compiles libadwaita's stylesheet; the rest are the -dev packages
# whose source packages dep builds (most come with libgtk-4-dev already).
PCN_PACKAGES=(sassc gettext libpcre2-dev libffi-dev libglib2.0-dev
              libfribidi-dev libharfbuzz-dev libpango1.0-dev
              libgdk-pixbuf-2.0-dev libgraphene-1.0-dev libepoxy-dev
              libjpeg62-turbo-dev libtiff-dev libgtk-4-dev libadwaita-1-dev)
pcn_install_deps

# The dependencies' flags again (windows.sh unsets them for pcn.exe).
export CFLAGS="-O2 -pipe" CXXFLAGS="-O2 -pipe"

meson_host() {
  meson setup _build --cross-file "$top/cmake/mingw-w64-x86_64.meson" \
    --prefix "$PREFIX" --libdir lib --buildtype plain --wrap-mode nodownload \
    --default-library shared "$@"
  nice ninja -C _build -j "$jobs"
  meson install -C _build --no-rebuild
}

build_pcre2() {
  # As MSYS2's mingw-w64-pcre2, the 8-bit library only (all GLib uses).
  cmake_host -DBUILD_SHARED_LIBS=ON -DBUILD_STATIC_LIBS=OFF \
    -DPCRE2_BUILD_PCRE2_8=ON -DPCRE2_BUILD_PCRE2_16=OFF \
    -DPCRE2_BUILD_PCRE2_32=OFF -DPCRE2_BUILD_PCRE2GREP=OFF \
    -DPCRE2_BUILD_TESTS=OFF -DPCRE2_SUPPORT_UNICODE=ON
}
build_libffi() {
  configure_host --disable-docs --disable-multi-os-directory
  nice make -j "$jobs"
  make install
  # Debian's libffi.pc says -lffi with no -L (its libdir is the system's).
  sed -i 's|^Libs: -lffi|Libs: -L${libdir} -lffi|' "$PREFIX/lib/pkgconfig/libffi.pc"
}
build_gettext() {
  # GLib needs libintl (MSYS2 ships gettext's); only gettext-runtime's
  # intl/ is built: no programs, no libasprintf, no iconv (GLib has its
  # own win_iconv). Debian's patches touch configure.ac and the m4 files:
  # the generated files are made newer than them rather than regenerated.
  find . -name aclocal.m4 -exec touch {} +
  sleep 1
  find . \( -name configure -o -name Makefile.in -o -name config.h.in \) -exec touch {} +
  cd gettext-runtime
  configure_host --disable-java --disable-csharp --disable-libasprintf \
    --disable-openmp --disable-curses --without-libiconv-prefix \
    --enable-threads=windows am_cv_func_iconv=no
  local keep=(ACLOCAL=: AUTOCONF=: AUTOMAKE=: AUTOHEADER=:)
  nice make -j "$jobs" -C intl "${keep[@]}"
  make -C intl install "${keep[@]}"
}
build_glib() {
  # As MSYS2's mingw-w64-glib2 (shared, win32 threads), without man
  # pages, docs or tests. gettext has no .pc: libintl's header through CPATH, the library
  # through -L (a cross gcc ignores LIBRARY_PATH).
  local intl; intl=$(pc_dir gettext)
  export CPATH=$intl/include
  meson_host -Dc_link_args="-static-libgcc -L$intl/lib" \
    -Dcpp_link_args="-static-libgcc -static-libstdc++ -L$intl/lib" \
    -Dtests=false -Dinstalled_tests=false -Dman=false -Dgtk_doc=false \
    -Dselinux=disabled -Dxattr=false -Dlibmount=disabled -Dlibelf=disabled \
    -Dsysprof=disabled -Dnls=enabled
  # and its .pc files say -lintl alone (and gi18n-lib.h includes
  # libintl.h): where they are, for GLib's users.
  sed -i "s|-lintl|-L$intl/lib -lintl|" "$PREFIX"/lib/pkgconfig/*.pc
  sed -i "s|^Cflags: |Cflags: -I$intl/include |" "$PREFIX"/lib/pkgconfig/glib-2.0.pc
}
# The prefix of a dependency built in this run or before (by its name).
pc_dir() { local d; for d in "${win_prefixes[@]}"; do
  case ${d##*/} in "$1"-*) echo "$d"; return;; esac; done; }
build_cairo_gobject() {
  # GTK 4 needs cairo-gobject, which phase 1's cairo (the CLI's PDFs) is
  # built without; its two files compiled here against that cairo and
  # GLib, into libcairo-gobject-2.dll with its cairo-gobject.pc, rather
  # than build cairo a second time.
  local cairo glib_cflags glib_libs
  cairo=$(pc_dir cairo)
  glib_cflags=$(pkg-config --cflags gobject-2.0)
  glib_libs=$(pkg-config --libs gobject-2.0)
  cd util/cairo-gobject
  # cairo-features.h (phase 1's) does not say CAIRO_HAS_GOBJECT_FUNCTIONS,
  # which guards the header; the files want cairo's config.h, empty here.
  sed -i 's|^#if CAIRO_HAS_GOBJECT_FUNCTIONS$|#if 1 /* built apart from cairo */|' cairo-gobject.h
  : > config.h
  mkdir -p "$PREFIX"/{bin,lib/pkgconfig,include/cairo}
  $host-gcc-win32 $CFLAGS -shared -static-libgcc -I"$cairo/include/cairo" \
    $glib_cflags cairo-gobject-enums.c cairo-gobject-structs.c \
    -o "$PREFIX/bin/libcairo-gobject-2.dll" \
    -Wl,--out-implib,"$PREFIX/lib/libcairo-gobject.dll.a" \
    -L"$cairo/lib" -lcairo $glib_libs
  cp cairo-gobject.h "$PREFIX/include/cairo/"
  cat > "$PREFIX/lib/pkgconfig/cairo-gobject.pc" <<PC
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: cairo-gobject
Description: cairo's GObject types
Version: $(pkg-config --modversion cairo)
Requires: cairo glib-2.0 gobject-2.0
Libs: -L\${libdir} -lcairo-gobject
Cflags: -I\${includedir}/cairo
PC
}
build_fribidi() {
  meson_host -Ddocs=false
}
build_harfbuzz() {
  # As MSYS2's mingw-w64-harfbuzz for what Pango needs: GLib, FreeType,
  # GDI and DirectWrite; no cairo tools, ICU, graphite or utilities.
  meson_host -Dglib=enabled -Dgobject=enabled -Dfreetype=enabled \
    -Dgdi=enabled -Ddirectwrite=enabled -Dcairo=disabled -Dchafa=disabled \
    -Dicu=disabled -Dgraphite=disabled -Dgraphite2=disabled \
    -Dtests=disabled -Dintrospection=disabled -Ddocs=disabled \
    -Dbenchmark=disabled
}
build_pango() {
  # Windows' fonts through pangowin32 and cairo's win32 font backend: no
  # fontconfig (and so no fonts.conf), no Xft.
  meson_host -Dintrospection=disabled -Dgtk_doc=false -Dinstall-tests=false \
    -Dfontconfig=disabled -Dfreetype=disabled -Dxft=disabled -Dcairo=enabled \
    -Dlibthai=disabled -Dsysprof=disabled
}
build_gdk_pixbuf() {
  # PNG only, built into the library: no loaders.cache to make on the
  # Windows machine. Relocatable, as MSYS2's.
  meson_host -Dpng=enabled -Djpeg=disabled -Dtiff=disabled \
    -Dbuiltin_loaders=png -Dnative_windows_loaders=false -Drelocatable=true \
    -Dintrospection=disabled -Dgtk_doc=false -Ddocs=false -Dman=false \
    -Dtests=false -Dinstalled_tests=false -Dgio_sniffing=false
}
build_graphene() {
  meson_host -Dintrospection=disabled -Dgtk_doc=false -Dtests=false \
    -Dinstalled_tests=false -Darm_neon=false -Dgobject_types=true
}
build_libepoxy() {
  # WGL only (no EGL, no GLX), as on Windows.
  meson_host -Degl=no -Dglx=no -Dx11=false -Dtests=false -Ddocs=false
}
build_libjpeg() {
  # GTK 4.8 loads and saves textures as JPEG and TIFF itself (required
  # dependencies, not gdk-pixbuf loaders). No SIMD (NASM), no TurboJPEG API.
  cmake_host -DENABLE_STATIC=OFF -DENABLE_SHARED=ON -DWITH_TURBOJPEG=OFF \
    -DWITH_SIMD=OFF -DWITH_JPEG8=OFF
}
build_tiff() {
  # zlib only: no JPEG-in-TIFF, LZMA, ZSTD, WebP, JBIG or LERC; no tools.
  cmake_host -Djpeg=OFF -Dold-jpeg=OFF -Dlzma=OFF -Dzstd=OFF -Dwebp=OFF \
    -Djbig=OFF -Dlerc=OFF -Dlibdeflate=OFF -Dpixarlog=OFF -Dcxx=OFF \
    -Dtiff-tools=OFF -Dtiff-tests=OFF -Dtiff-contrib=OFF -Dtiff-docs=OFF
}
build_gtk4() {
  # As MSYS2's mingw-w64-gtk4: the win32 backend only; here also no media
  # (GStreamer, FFmpeg), printing (CUPS), Vulkan, introspection, docs,
  # demos, examples or tests.
  meson_host -Dwin32-backend=true -Dx11-backend=false -Dwayland-backend=false \
    -Dbroadway-backend=false -Dmacos-backend=false \
    -Dmedia-gstreamer=disabled -Dmedia-ffmpeg=disabled -Dprint-cups=disabled \
    -Dvulkan=disabled -Dcloudproviders=disabled -Dsysprof=disabled \
    -Dtracker=disabled -Dcolord=disabled -Dintrospection=disabled \
    -Dgtk_doc=false -Dman-pages=false -Ddemos=false -Dbuild-examples=false \
    -Dbuild-tests=false -Dinstall-tests=false
}
build_libadwaita() {
  # Its stylesheet compiled by the build machine's sassc.
  meson_host -Dintrospection=disabled -Dvapi=false -Dgtk_doc=false \
    -Dtests=false -Dexamples=false
}

desk_t0=$SECONDS
dep pcre2      libpcre2-dev          build_pcre2
dep libffi     libffi-dev            build_libffi
dep gettext    gettext               build_gettext
dep glib       libglib2.0-dev        build_glib
dep cairo-gobject libcairo2-dev      build_cairo_gobject
dep fribidi    libfribidi-dev        build_fribidi
dep harfbuzz   libharfbuzz-dev       build_harfbuzz
dep pango      libpango1.0-dev       build_pango
dep gdk-pixbuf libgdk-pixbuf-2.0-dev build_gdk_pixbuf
dep graphene   libgraphene-1.0-dev   build_graphene
dep libepoxy   libepoxy-dev          build_libepoxy
dep libjpeg    libjpeg62-turbo-dev   build_libjpeg
dep tiff       libtiff-dev           build_tiff
dep gtk4       libgtk-4-dev          build_gtk4
dep libadwaita libadwaita-1-dev      build_libadwaita
echo "   the desktop's stack: $((SECONDS - desk_t0)) s"

# --- pcn-desktop.exe ------------------------------------------------------------
# The project's CMake build of pcn.exe again, now with the desktop's
# prefixes: GTK 4 and libadwaita are found and client/desktop/ is built.
echo "== pcn-desktop.exe"
t0=$SECONDS
build_client pcn-desktop "$out/desktop.log"
cp "$out/pcn/client/desktop/pcn-desktop.exe" "$dist/"
$host-strip "$dist/pcn-desktop.exe"
copy_dlls "$dist/pcn-desktop.exe"
# GTK's settings schemas (the file chooser's among them), compiled by the
# build machine's glib-compile-schemas: GLib looks in share/ beside its DLL.
mkdir -p "$dist/share/glib-2.0/schemas"
cp "$(pc_dir gtk4)"/share/glib-2.0/schemas/*.xml "$(pc_dir glib)"/share/glib-2.0/schemas/*.xml \
  "$dist/share/glib-2.0/schemas/" 2>/dev/null || true
glib-compile-schemas "$dist/share/glib-2.0/schemas"
echo "   $dist: pcn-desktop.exe, $(ls "$dist" | grep -c '\.dll$') DLLs in all ($(du -sh "$dist" | cut -f1)), $((SECONDS - t0)) s"

# --- --check: pcn-desktop.exe starts under Wine ----------------------------------
# In a Wine prefix of its own (no session: the join page), on a private
# Xvfb; build-windows/desktop-join.png is the screen 20 s later. The
# prefix's user stylesheet names DejaVu Sans: Pango's win32 font map gets
# no usable font from Wine's own (docs/windows.md); Windows needs nothing.
desktop_check() {
  PCN_PACKAGES=(xvfb x11-apps fonts-dejavu-core python3)
  pcn_install_deps
  local wp=$out/wine-desktop shot=$out/desktop-join.png
  rm -rf "$wp"
  export WINEPREFIX=$wp WINEDEBUG=-all
  # The prefix made first, and finished (wineserver -w), without Mono or
  # Gecko (their installers would ask): pcn-desktop.exe started while
  # wineboot still works crashed in GTK.
  WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i >/dev/null 2>&1 || true
  wineserver -w
  local css="$wp/drive_c/users/$(id -un)/AppData/Local/gtk-4.0"
  mkdir -p "$css"
  echo '* { font-family: "DejaVu Sans"; }' >"$css/gtk.css"
  rm -f "$shot"
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    cd "$1" && wine ./pcn-desktop.exe >"$2/desktop-wine.log" 2>&1 & pid=$!
    sleep 20
    kill -0 $pid 2>/dev/null || { echo "pcn-desktop.exe exited under Wine" >&2; exit 1; }
    xwd -root -silent >"$2/desktop-join.xwd"
    kill $pid' _ "$dist" "$out"
  wineserver -k || true
  # xwd to PNG (ImageMagick is not needed for one picture).
  python3 - "$out/desktop-join.xwd" "$shot" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
h = struct.unpack('>25I', d[:100])
w, hgt, lsb, bpp, bpl, ncol = h[4], h[5], h[7] == 0, h[11] // 8, h[12], h[19]
off = h[0] + ncol * 12
rows = []
for y in range(hgt):
    r = d[off + y * bpl: off + y * bpl + w * bpp]
    px = bytearray(w * 3)
    for c in range(3):  # R, G, B
        px[c::3] = r[2 - c::bpp] if lsb else r[bpp - 3 + c::bpp]
    rows.append(b'\0' + bytes(px))
def chunk(t, b):
    return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))
open(sys.argv[2], 'wb').write(b'\x89PNG\r\n\x1a\n'
    + chunk(b'IHDR', struct.pack('>IIBBBBB', w, hgt, 8, 2, 0, 0, 0))
    + chunk(b'IDAT', zlib.compress(b''.join(rows), 6)) + chunk(b'IEND', b''))
PY
  rm -f "$out/desktop-join.xwd"
  echo "   pcn-desktop.exe started under Wine: $shot"
}
if [ "$check" = 1 ]; then desktop_check; fi
