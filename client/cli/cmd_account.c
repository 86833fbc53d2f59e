/* cmd_account.c - getting in: join, login, logout, whoami, password.
 * Passwords come from the terminal without echo, or one line of standard
 * input with --password-stdin; never from argv, never to a file.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "invite.h"
#include <openssl/crypto.h>
#include "validate.h"

#define PW_MAX (PCN_MAX_PASSWORD + 2)

/* Saves the session a Join or Login answered with. */
static int save_session(cli_ctx *c, const Pcn__Session *s, const char *server) {
  char err[300];
  if (server != c->cfg.server) /* never snprintf a string onto itself */
    snprintf(c->cfg.server, sizeof c->cfg.server, "%s", server);
  snprintf(c->cfg.username, sizeof c->cfg.username, "%s", s->member->username);
  snprintf(c->cfg.token, sizeof c->cfg.token, "%s", s->token);
  const Pcn__Welcome *w = pcn_client_welcome(pcn_sync_client(c->s));
  if (w) {
    snprintf(c->cfg.network_name, sizeof c->cfg.network_name, "%s",
             w->network_name);
    snprintf(c->cfg.network_id, sizeof c->cfg.network_id, "%s", w->network_id);
  }
  if (pcn_config_save(&c->cfg, err, sizeof err)) {
    fprintf(stderr, "pcn: %s\n", err);
    return EXIT_USAGE;
  }
  return EXIT_DONE;
}

static void print_member_line(const Pcn__Member *m) {
  printf("%s (%s, %s%s%s)\n", m->username, m->display_name,
         pcn_role_name(m->role), m->practice[0] ? " at " : "", m->practice);
}

static int join_run(cli_ctx *c) {
  pcn_invite inv;
  char err[400];
  if (pcn_invite_decode(c->arg[0], &inv, err, sizeof err))
    return cli_usage(c, "%s", err);
  char pw[PW_MAX], again[PW_MAX];
  int from_stdin = cli_has(c, "password-stdin");
  if (cli_read_password("New password (10 characters or more): ", from_stdin,
                        pw, sizeof pw))
    return EXIT_USAGE;
  if (!from_stdin) {
    if (cli_read_password("Same again: ", 0, again, sizeof again))
      return EXIT_USAGE;
    if (strcmp(pw, again) != 0)
      return cli_usage(c, "the two passwords differ; run it again.");
  }
  const char *why = pcn_check_password(pw);
  if (why) return cli_usage(c, "%s", why);
  const char *server = c->server ? c->server : inv.server;
  pcn_client_config cc = {.server = server,
                          .pin_sha256 = inv.ca_sha256,
                          .client_name = "pcn",
                          .client_version = PCN_VERSION};
  pcn_error_class cls;
  c->s = pcn_sync_connect(&cc, err, sizeof err, &cls);
  if (!c->s) {
    fprintf(stderr, "pcn: %s\n", err);
    return cls == PCN_ERR_SERVER ? EXIT_REFUSED : EXIT_CONNECT;
  }
  Pcn__Join j = PCN__JOIN__INIT;
  j.invite_token = inv.token;
  j.password = pw;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_JOIN;
  req.join = &j;
  int code;
  const Pcn__Response *r = cli_call(c, &req, &code);
  OPENSSL_cleanse(pw, sizeof pw);
  OPENSSL_cleanse(again, sizeof again);
  if (!r) return code;
  pcn_config_free(&c->cfg);
  memset(&c->cfg, 0, sizeof c->cfg);
  c->cfg.ca_pem = strdup(pcn_client_pinned_ca(pcn_sync_client(c->s)));
  if ((code = save_session(c, r->session, server))) return code;
  if (c->json) {
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->session->member));
    return EXIT_DONE;
  }
  printf("Joined %s as ", c->cfg.network_name);
  print_member_line(r->session->member);
  printf("Try: pcn whoami\n");
  return EXIT_DONE;
}

static int login_run(cli_ctx *c) {
  const char *user = cli_opt_val(c, "user");
  if (!user) return cli_usage(c, "--user NAME is required.");
  /* The password first: the server closes a connection that has not
   * logged in within its handshake timeout, however slowly one types. */
  char pw[PW_MAX];
  if (cli_read_password("Password: ", cli_has(c, "password-stdin"), pw,
                        sizeof pw))
    return EXIT_USAGE;
  int rc = cli_connect(c, 0);
  if (rc) {
    OPENSSL_cleanse(pw, sizeof pw);
    return rc;
  }
  Pcn__Login l = PCN__LOGIN__INIT;
  l.username = (char *)user;
  l.password = pw;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_LOGIN;
  req.login = &l;
  int code;
  const Pcn__Response *r = cli_call(c, &req, &code);
  OPENSSL_cleanse(pw, sizeof pw);
  if (!r) return code;
  if ((code =
           save_session(c, r->session, c->server ? c->server : c->cfg.server)))
    return code;
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->session->member));
  else
    printf("Logged in to %s as %s.\n", c->cfg.network_name, user);
  return EXIT_DONE;
}

static int logout_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Logout lo = PCN__LOGOUT__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_LOGOUT;
  req.logout = &lo;
  int code;
  if (!cli_call(c, &req, &code)) return code;
  c->cfg.token[0] = 0;
  char err[300];
  if (pcn_config_save(&c->cfg, err, sizeof err)) {
    fprintf(stderr, "pcn: %s\n", err);
    return EXIT_USAGE;
  }
  if (c->json)
    cli_print_json(json_pack("{s:b}", "logged_out", 1));
  else
    printf("Logged out. Log in again with pcn login --user %s.\n",
           c->cfg.username);
  return EXIT_DONE;
}

static int whoami_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__WhoAmI w = PCN__WHO_AM_I__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_WHOAMI;
  req.whoami = &w;
  int code;
  const Pcn__Response *r = cli_call(c, &req, &code);
  if (!r) return code;
  if (c->json) {
    json_t *j = pb_to_json((const ProtobufCMessage *)r->member);
    json_object_set_new(j, "network", json_string(c->cfg.network_name));
    json_object_set_new(j, "server",
                        json_string(c->server ? c->server : c->cfg.server));
    cli_print_json(j);
    return EXIT_DONE;
  }
  print_member_line(r->member);
  printf("network %s on %s\n", c->cfg.network_name,
         c->server ? c->server : c->cfg.server);
  return EXIT_DONE;
}

static int password_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  char old[PW_MAX], pw[PW_MAX];
  int from_stdin = cli_has(c, "password-stdin");
  if (cli_read_password("Current password: ", from_stdin, old, sizeof old) ||
      cli_read_password("New password: ", from_stdin, pw, sizeof pw))
    return EXIT_USAGE;
  const char *why = pcn_check_password(pw);
  if (why) return cli_usage(c, "%s", why);
  Pcn__ChangePassword cp = PCN__CHANGE_PASSWORD__INIT;
  cp.old_password = old;
  cp.new_password = pw;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_CHANGE_PASSWORD;
  req.change_password = &cp;
  int code;
  const Pcn__Response *r = cli_call(c, &req, &code);
  OPENSSL_cleanse(old, sizeof old);
  OPENSSL_cleanse(pw, sizeof pw);
  if (!r) return code;
  if (c->json)
    cli_print_json(json_pack("{s:b}", "changed", 1));
  else
    printf("Password changed; your other sessions have ended.\n");
  return EXIT_DONE;
}

#define PW_STDIN                                                               \
  { "password-stdin", NULL, "read the password from standard input" }

const cli_cmd account_cmds[] = {
    {NULL,
     "join",
     "CODE",
     1,
     "join the network with an invitation code and set your password",
     "pcn join pcn1-Cg8xMjcuMC4wLjE6NzQ0Mx...",
     {PW_STDIN},
     join_run},
    {NULL,
     "login",
     NULL,
     0,
     "log in again (after logout or an expired session)",
     "pcn login --user jo",
     {{"user", "NAME", "your username (required)"}, PW_STDIN},
     login_run},
    {NULL,
     "logout",
     NULL,
     0,
     "end this session",
     "pcn logout",
     {{0}},
     logout_run},
    {NULL,
     "whoami",
     NULL,
     0,
     "who you are, in which network",
     "pcn whoami --json",
     {{0}},
     whoami_run},
    {NULL,
     "password",
     NULL,
     0,
     "change your password",
     "pcn password",
     {{"password-stdin", NULL,
       "read the current then the new password, one per line"}},
     password_run},
    {0},
};
