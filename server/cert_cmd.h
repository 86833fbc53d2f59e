/* cert_cmd.h - `pcnd cert ...` (cert_cmd.c): status and renew. */
#ifndef PCND_CERT_CMD_H
#define PCND_CERT_CMD_H

/* argv[0] is "cert", argv[1] the verb. Returns the exit code. */
int pcnd_cert_main(int argc, char **argv);

#endif
