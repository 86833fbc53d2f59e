; pcn-hub.nsi - the Windows installer of PCN Hub's clients (issue 14).
;
; makensis -DVERSION=0.1.0 -DSRCDIR=<dir> -DOUTFILE=<setup.exe> [-DICON=<.ico>]
;   SRCDIR holds what is installed, as scripts/windows.sh lays it out:
;   pcn.exe, pcn-desktop.exe when the desktop was built, their DLLs and
;   the desktop's share\ (icons, schemas). All of it goes to
;   C:\Program Files\PCN Hub (64-bit), with an uninstaller, an entry in
;   Apps & features, and Start-menu entries: PCN Hub (the desktop app,
;   when there is one) and "PCN Hub command line" (a Command Prompt with
;   pcn on its PATH, for the few who want it). Silent with /S.
;
; Per machine (admin), because practices' PCs are managed: IT installs
; once for every user. The session each user makes is their own
; (%APPDATA%\pcn).

Unicode true
; A 64-bit installer for a 64-bit program: it runs where the programs do
; (and under wine64 without a 32-bit Wine).
Target amd64-unicode
!include "MUI2.nsh"
!include "x64.nsh"

!ifndef VERSION
  !error "makensis -DVERSION=... (the project's version)"
!endif
!ifndef SRCDIR
  !error "makensis -DSRCDIR=... (the folder to install)"
!endif
!ifndef OUTFILE
  !define OUTFILE "pcn-hub-${VERSION}-setup.exe"
!endif

!define PRODUCT "PCN Hub"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\PCNHub"

Name "${PRODUCT} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${PRODUCT}"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
BrandingText "${PRODUCT} ${VERSION}"
!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif

!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!if /FileExists "${SRCDIR}\pcn-desktop.exe"
  !define MUI_FINISHPAGE_RUN "$INSTDIR\pcn-desktop.exe"
  !define MUI_FINISHPAGE_RUN_TEXT "Open PCN Hub"
!endif
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "PCN Hub needs 64-bit Windows 10 or 11."
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all ; the Start menu of every user
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "PCN Hub" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File /r "${SRCDIR}\*.*"
!ifdef ICON
  File "/oname=pcn-hub.ico" "${ICON}"
!endif
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${PRODUCT}"
!if /FileExists "${SRCDIR}\pcn-desktop.exe"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk" "$INSTDIR\pcn-desktop.exe"
!endif
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\${PRODUCT} command line.lnk" \
    "$SYSDIR\cmd.exe" '/k "set PATH=$INSTDIR;%PATH% && pcn --help"' \
    "$SYSDIR\cmd.exe" 0
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\Uninstall ${PRODUCT}.lnk" \
    "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "PCN Hub maintainers"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
!ifdef ICON
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\pcn-hub.ico"
!endif
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; What the installer put there, and nothing a user made: sessions and
  ; settings live in each user's %APPDATA%\pcn and stay.
  RMDir /r "$SMPROGRAMS\${PRODUCT}"
  RMDir /r "$INSTDIR"
  DeleteRegKey HKLM "${UNINST_KEY}"
SectionEnd
