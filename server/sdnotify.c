/* sdnotify.c - sd_notify messages for systemd's Type=notify (sdnotify.h).
 *
 * The state messages carry no secrets and no member's data: only the
 * network's name and the address it serves on go into STATUS=.
 */
#include "sdnotify.h"

#include <stdio.h>
#include <time.h>
#include <systemd/sd-daemon.h>

void pcnd_notify_ready(const char *status) {
  if (status && *status) {
    char msg[512];
    snprintf(msg, sizeof msg, "READY=1\nSTATUS=%s", status);
    sd_notify(0, msg);
  } else {
    sd_notify(0, "READY=1");
  }
}

void pcnd_notify_reloading(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  sd_notifyf(0, "RELOADING=1\nSTATUS=Reloading.\nMONOTONIC_USEC=%llu",
             (unsigned long long)ts.tv_sec * 1000000ull +
                 (unsigned long long)ts.tv_nsec / 1000ull);
}

void pcnd_notify_stopping(void) {
  sd_notify(0, "STOPPING=1\nSTATUS=Stopping: finishing writes in flight.");
}
