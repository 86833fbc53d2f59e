/* cmd_news.c - pcn news post|list|read|receipts|confirm: announcements and
 * policies, with read receipts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "validate.h"

#define NEWS_TEXT_FILE_MAX (PCN_MAX_TEXT + 1)

static void join_practices(const Pcn__NewsItem *n, char *out, size_t len) {
  snprintf(out, len, "%s", n->n_practices ? "" : "everyone");
  size_t at = strlen(out);
  for (size_t i = 0; i < n->n_practices && at + 8 < len; i++)
    at += (size_t)snprintf(out + at, len - at, "%s%s", i ? "," : "",
                           n->practices[i]);
}

static void kind_of(const Pcn__NewsItem *n, char *out, size_t len) {
  if (n->policy)
    snprintf(out, len, "policy v%u", n->policy_version);
  else
    snprintf(out, len, "news");
}

/* One item, as `read` and `post` show it. */
static void entry_show(const Pcn__NewsEntry *e) {
  const Pcn__NewsItem *n = e->item;
  char to[200], kind[32], tm[20];
  join_practices(n, to, sizeof to);
  kind_of(n, kind, sizeof kind);
  cli_kv("news:", "%llu", (unsigned long long)n->id);
  cli_kv("title:", "%s", n->title);
  cli_kv("kind:", "%s%s", kind, n->pinned ? ", pinned" : "");
  cli_kv("to:", "%s", to);
  cli_format_time(n->posted_at, tm);
  cli_kv("posted:", "%s by %s", tm, n->posted_by);
  if (n->policy_version > 1) {
    cli_format_time(n->updated_at, tm);
    cli_kv("version:", "%u, %s by %s", n->policy_version, tm, n->updated_by);
  }
  if (n->expires[0])
    cli_kv("expires:", "end of %s%s", n->expires,
           e->expired ? " (expired)" : "");
  if (n->link[0]) cli_kv("link:", "%s", n->link);
  if (n->policy) {
    if (e->confirmed) {
      cli_format_time(e->confirmed_at, tm);
      cli_kv("confirmed:", "%s (read and understood)", tm);
    } else if (e->to_confirm) {
      cli_kv("confirmed:", "not yet: pcn news confirm %llu",
             (unsigned long long)n->id);
    }
  }
  if (n->body[0]) printf("\n%s\n", n->body);
}

static int print_entry(cli_ctx *c, const Pcn__NewsEntry *e) {
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)e));
  else
    entry_show(e);
  return EXIT_DONE;
}

/* Sends a request answered with one entry. A CONFLICT prints the item as
 * it is now, so the newer version is not missed. */
static int entry_call(cli_ctx *c, Pcn__Request *req) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = pcn_sync_call(c->s, req);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case == PCN__RESPONSE__BODY_NEWS_ENTRY) {
    fprintf(stderr, "pcn: %s\n", r->status->message);
    if (!c->json) {
      fprintf(stderr, "The policy as it is now:\n");
      fflush(stderr);
      entry_show(r->news_entry);
    }
    return EXIT_REFUSED;
  }
  r = cli_answer(c, r, &rc);
  if (!r) return rc;
  if (r->body_case == PCN__RESPONSE__BODY_NEWS_ENTRY)
    return print_entry(c, r->news_entry);
  return EXIT_DONE;
}

static int parse_id(cli_ctx *c, uint64_t *id) {
  return cli_parse_u64(c, "the announcement ID", c->arg[0], id) ? -1 : 0;
}

/* --to all, or ODS codes separated by commas. *to and *copy (the
 * codes' storage) are malloc'd. */
static int parse_to(cli_ctx *c, const char *v, char ***to, size_t *n,
                    char **copy_out) {
  *to = NULL;
  *n = 0;
  *copy_out = NULL;
  if (!strcmp(v, "all")) return 0;
  size_t cap = 1;
  for (const char *p = v; *p; p++)
    cap += *p == ',';
  if (cap > 20) {
    cli_usage(c, "--to takes at most 20 practices; use --to all for every "
                 "practice.");
    return -1;
  }
  char **list = calloc(cap, sizeof *list);
  char *copy = strdup(v);
  if (!list || !copy) {
    free(list);
    free(copy);
    cli_usage(c, "out of memory.");
    return -1;
  }
  for (char *tok = copy, *next; tok; tok = next) {
    next = strchr(tok, ',');
    if (next) *next++ = 0;
    while (*tok == ' ')
      tok++;
    if (!*tok) continue;
    pcn_ods_normalize(tok);
    if (pcn_check_ods(tok)) {
      cli_usage(c,
                "--to: '%.20s' is not an ODS code; give codes such as "
                "F84001,F84002, or all.",
                tok);
      free(list);
      free(copy);
      return -1;
    }
    list[(*n)++] = tok;
  }
  if (!*n) {
    free(list);
    free(copy);
    cli_usage(c, "--to takes all or practices' ODS codes, such as F84001.");
    return -1;
  }
  *to = list;
  *copy_out = copy;
  return 0;
}

/* The text of --text-file FILE ("-" reads stdin), malloc'd. */
static char *read_text_file(cli_ctx *c, const char *path) {
  FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
  if (!f) {
    cli_usage(c, "--text-file: cannot open %s.", path);
    return NULL;
  }
  char *buf = malloc(NEWS_TEXT_FILE_MAX + 1);
  size_t n = buf ? fread(buf, 1, NEWS_TEXT_FILE_MAX + 1, f) : 0;
  if (f != stdin) fclose(f);
  if (!buf || n > NEWS_TEXT_FILE_MAX - 1) {
    free(buf);
    cli_usage(c, "--text-file: at most %d bytes of text.", PCN_MAX_TEXT);
    return NULL;
  }
  buf[n] = 0;
  return buf;
}

static int post_run(cli_ctx *c) {
  Pcn__NewsPost p = PCN__NEWS_POST__INIT;
  p.title = (char *)cli_opt_val(c, "title");
  if (!p.title) return cli_usage(c, "--title is required.");
  const char *to = cli_opt_val(c, "to");
  uint64_t of = 0;
  if (cli_has(c, "version-of")) {
    if (cli_parse_u64(c, "--version-of", cli_opt_val(c, "version-of"), &of))
      return EXIT_USAGE;
    if (to)
      return cli_usage(c, "a new version goes where the policy went; leave "
                          "--to out.");
  } else if (!to) {
    return cli_usage(c, "--to is required: all, or practices such as "
                        "F84001,F84002.");
  }
  if (cli_has(c, "version") && !of)
    return cli_usage(c, "--version goes with --version-of.");
  if (of && !cli_has(c, "policy"))
    return cli_usage(c, "--version-of publishes a new version of a policy; "
                        "add --policy.");
  if (cli_has(c, "text") && cli_has(c, "text-file"))
    return cli_usage(c, "give --text or --text-file, not both.");
  if (cli_check_date(c, "expires", cli_opt_val(c, "expires")))
    return EXIT_USAGE;
  if (cli_has(c, "version")) {
    uint64_t v;
    if (cli_parse_u64(c, "--version", cli_opt_val(c, "version"), &v))
      return EXIT_USAGE;
    p.version = (uint32_t)v;
  }
  char **list = NULL, *codes = NULL;
  if (to && parse_to(c, to, &list, &p.n_practices, &codes)) return EXIT_USAGE;
  p.practices = list;
  char *text = NULL;
  if (cli_has(c, "text-file") &&
      !(text = read_text_file(c, cli_opt_val(c, "text-file")))) {
    free(codes);
    free(list);
    return EXIT_USAGE;
  }
  p.body =
      text ? text : (char *)(cli_has(c, "text") ? cli_opt_val(c, "text") : "");
  p.link = (char *)(cli_has(c, "link") ? cli_opt_val(c, "link") : "");
  p.expires = (char *)(cli_has(c, "expires") ? cli_opt_val(c, "expires") : "");
  p.pinned = cli_has(c, "pin");
  p.policy = cli_has(c, "policy");
  p.version_of = of;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_POST;
  req.news_post = &p;
  int rc = entry_call(c, &req);
  free(codes);
  free(list);
  free(text);
  return rc;
}

static void print_table(const Pcn__NewsPage *p) {
  if (!p->n_entries) {
    printf("No announcements.\n");
    return;
  }
  printf("%5s  %-10s %-11s %-10s %-16s %s\n", "ID", "STATE", "KIND", "POSTED",
         "TO", "TITLE");
  for (size_t i = 0; i < p->n_entries; i++) {
    const Pcn__NewsEntry *e = p->entries[i];
    const Pcn__NewsItem *n = e->item;
    char to[200], kind[32], tm[20], state[40];
    join_practices(n, to, sizeof to);
    kind_of(n, kind, sizeof kind);
    cli_format_time(n->updated_at, tm);
    tm[10] = 0; /* the date */
    snprintf(state, sizeof state, "%s%s%s%s", n->pinned ? "pin " : "",
             !e->read        ? "new "
             : e->to_confirm ? "confirm "
                             : "",
             e->expired ? "expired " : "",
             n->pinned || !e->read || e->to_confirm || e->expired ? "" : "-");
    printf("%5llu  %-10s %-11s %-10s %-16s %s\n", (unsigned long long)n->id,
           state, kind, tm, to, n->title);
  }
  printf("\n%u unread, %u %s to confirm.%s\n", p->unread, p->to_confirm,
         p->to_confirm == 1 ? "policy" : "policies",
         p->more ? " More: raise --limit." : "");
}

static int list_run(cli_ctx *c) {
  Pcn__NewsList l = PCN__NEWS_LIST__INIT;
  l.include_expired = cli_has(c, "all");
  if (cli_has(c, "limit")) {
    uint64_t n = 0;
    if (cli_parse_u64(c, "--limit", cli_opt_val(c, "limit"), &n) || n > 200)
      return n > 200 ? cli_usage(c, "--limit is at most 200.") : EXIT_USAGE;
    l.limit = (uint32_t)n;
  }
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_LIST;
  req.news_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->news_page));
  else
    print_table(r->news_page);
  return EXIT_DONE;
}

static int read_run(cli_ctx *c) {
  Pcn__NewsRead x = PCN__NEWS_READ__INIT;
  if (parse_id(c, &x.id)) return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_READ;
  req.news_read = &x;
  return entry_call(c, &req);
}

static int confirm_run(cli_ctx *c) {
  Pcn__NewsConfirm x = PCN__NEWS_CONFIRM__INIT;
  if (parse_id(c, &x.id)) return EXIT_USAGE;
  if (cli_has(c, "version")) {
    uint64_t v;
    if (cli_parse_u64(c, "--version", cli_opt_val(c, "version"), &v))
      return EXIT_USAGE;
    x.policy_version = (uint32_t)v;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_CONFIRM;
  req.news_confirm = &x;
  return entry_call(c, &req);
}

static void print_report(const Pcn__NewsReceiptReport *rep) {
  const Pcn__NewsItem *n = rep->item;
  char tm[20];
  printf("%s %llu", n->policy ? "Policy" : "Announcement",
         (unsigned long long)n->id);
  if (n->policy) printf(" (version %u)", n->policy_version);
  printf(" \"%s\": read by %u of %u", n->title, rep->read, rep->members);
  if (n->policy) printf(", confirmed by %u", rep->confirmed);
  printf("\n");
  for (size_t i = 0; i < rep->n_practices; i++) {
    const Pcn__NewsPracticeReceipts *g = rep->practices[i];
    printf("\n%s: read %u of %u", g->practice[0] ? g->practice : "network",
           g->read, g->members);
    if (n->policy) printf(", confirmed %u", g->confirmed);
    printf("\n");
    for (size_t k = 0; k < g->n_receipts; k++) {
      const Pcn__NewsMemberReceipt *m = g->receipts[k];
      char read[32] = "not read", conf[48] = "";
      if (m->read) {
        cli_format_time(m->read_at, tm);
        snprintf(read, sizeof read, "read %s", tm);
      }
      if (n->policy) {
        if (m->confirmed) {
          cli_format_time(m->confirmed_at, tm);
          snprintf(conf, sizeof conf, "confirmed %s", tm);
        } else if (m->confirmed_version) {
          snprintf(conf, sizeof conf, "not confirmed (had v%u)",
                   m->confirmed_version);
        } else {
          snprintf(conf, sizeof conf, "not confirmed");
        }
      }
      printf("  %-14s %-22s %s\n", m->username, read, conf);
    }
  }
}

static int receipts_run(cli_ctx *c) {
  Pcn__NewsReceipts x = PCN__NEWS_RECEIPTS__INIT;
  if (parse_id(c, &x.id)) return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  /* A practice manager sees their own practice unless they say; the
   * network's people see every practice. */
  char mine[16] = "";
  if (cli_has(c, "practice")) {
    snprintf(mine, sizeof mine, "%s", cli_opt_val(c, "practice"));
  } else if (!cli_has(c, "all")) {
    Pcn__WhoAmI w = PCN__WHO_AM_I__INIT;
    Pcn__Request wr = PCN__REQUEST__INIT;
    wr.body_case = PCN__REQUEST__BODY_WHOAMI;
    wr.whoami = &w;
    const Pcn__Response *r = cli_call(c, &wr, &rc);
    if (!r) return rc;
    snprintf(mine, sizeof mine, "%s", r->member->practice);
  }
  x.practice = mine;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_RECEIPTS;
  req.news_receipts = &x;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->news_report));
  else
    print_report(r->news_report);
  return EXIT_DONE;
}

const cli_cmd news_cmds[] = {
    {"news",
     "post",
     NULL,
     0,
     "post an announcement or a policy (or a policy's new version)",
     "pcn news post --to all --title \"Flu clinics start Monday\" --text "
     "\"Book via the hub.\" --pin --expires 2026-10-31",
     {{"title", "TEXT", "the headline (required)"},
      {"to", "all|ODS,...", "every member, or these practices (required)"},
      {"text", "TEXT", "what it says"},
      {"text-file", "FILE", "what it says, from a file (- for stdin)"},
      {"link", "URL", "a link to the document (https://...)"},
      {"pin", NULL, "keep it at the top of everyone's list"},
      {"expires", "YYYY-MM-DD", "drop it from lists after this day"},
      {"policy", NULL, "a policy each member confirms as read and understood"},
      {"version-of", "ID",
       "publish a new version of policy ID (with --policy)"},
      {"version", "V", "with --version-of: the version you read"}},
     post_run},
    {"news",
     "list",
     NULL,
     0,
     "list announcements: pinned, then unread, then the rest",
     "pcn news list",
     {{"all", NULL, "include expired ones"},
      {"limit", "N", "at most N (default 50, at most 200)"}},
     list_run},
    {"news",
     "read",
     "ID",
     1,
     "show an announcement (records that you read it)",
     "pcn news read 4",
     {{0}},
     read_run},
    {"news",
     "receipts",
     "ID",
     1,
     "who has and has not read (and confirmed) it, per practice",
     "pcn news receipts 4 --all",
     {{"practice", "ODS", "only this practice's members"},
      {"all", NULL, "every practice (the default for network roles)"}},
     receipts_run},
    {"news",
     "confirm",
     "ID",
     1,
     "confirm a policy as read and understood",
     "pcn news confirm 4",
     {{"version", "N", "the policy version you read (default: the current)"}},
     confirm_run},
    {0},
};
