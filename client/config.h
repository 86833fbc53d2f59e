/* config.h - the client's configuration and session on disk, shared by
 * pcn and pcn-desktop: someone who joined with one is logged in on the
 * other.
 *
 * Where: $XDG_CONFIG_HOME/pcn, else $HOME/.config/pcn (on Windows
 * %APPDATA%\pcn). What: config.json (mode 0600: server, network name and
 * id, username, session token) and ca.pem (the pinned network CA). Saves
 * are atomic: a temporary file, then a rename.
 */
#ifndef PCN_CONFIG_H
#define PCN_CONFIG_H

#include <stddef.h>

typedef struct pcn_config {
  char server[300];
  char network_name[128];
  char network_id[40];
  char username[40];
  char token[80];
  char *ca_pem; /* malloc'd, NULL when not joined */
} pcn_config;

/* The directory, without a trailing separator. 0, or -1 if no home. */
int pcn_config_dir(char *out, size_t n);
/* Loads; 0 loaded, 1 nothing configured yet, -1 error (err says). */
int pcn_config_load(pcn_config *c, char *err, size_t errlen);
/* Saves config.json and, when c->ca_pem is set, ca.pem. 0 or -1. */
int pcn_config_save(const pcn_config *c, char *err, size_t errlen);
void pcn_config_free(pcn_config *c);

#endif
