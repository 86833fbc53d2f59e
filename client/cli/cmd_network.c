/* cmd_network.c - pcn network show|set|holidays|holiday-add|holiday-remove:
 * the network's fair-notice rule, reminder days, and bank holidays.
 *
 * The bank holiday rules live in common/workdays.c, so the client lists a
 * year's holidays itself and marks the network's corrections from the
 * settings record; the server judges notice with the same code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "validate.h"
#include "workdays.h"

static const Pcn__Response *get_settings(cli_ctx *c, int *rc) {
  Pcn__SettingsGet g = PCN__SETTINGS_GET__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_GET;
  req.settings_get = &g;
  return cli_call(c, &req, rc);
}

static void reminders_text(const Pcn__NetworkSettings *s, char *out, size_t n) {
  size_t k = 0;
  out[0] = 0;
  for (size_t i = 0; i < s->n_reminder_days && k + 16 < n; i++)
    k += (size_t)snprintf(out + k, n - k, "%s%u", i ? ", " : "",
                          s->reminder_days[i]);
  if (!s->n_reminder_days) snprintf(out, n, "none");
}

static int print_settings(cli_ctx *c, const Pcn__NetworkSettings *s) {
  if (c->json) {
    cli_print_json(pb_to_json((const ProtobufCMessage *)s));
    return EXIT_DONE;
  }
  char rem[80], t[20];
  reminders_text(s, rem, sizeof rem);
  cli_kv("minimum notice:", "%u working days (less must be marked urgent)",
         s->min_notice_days);
  cli_kv("reminders:",
         "%s working day(s) before a due date, and the day "
         "after",
         rem);
  cli_kv("nominated payee:", "%s",
         s->payee[0] ? s->payee : "not recorded (pcn network set --payee ODS)");
  cli_kv("ARRS claim due:", "day %u of the next month",
         s->arrs_claim_day ? s->arrs_claim_day : 10);
  cli_kv("staff see funding:", "%s",
         s->staff_see_funding
             ? "yes (the desktop offers staff the Funding plan and ARRS "
               "headroom)"
             : "no (the desktop offers those pages to managers only)");
  cli_kv("holidays added:", "%zu", s->n_holidays_added);
  for (size_t i = 0; i < s->n_holidays_added; i++)
    printf("  %s\n", s->holidays_added[i]);
  cli_kv("holidays removed:", "%zu", s->n_holidays_removed);
  for (size_t i = 0; i < s->n_holidays_removed; i++)
    printf("  %s\n", s->holidays_removed[i]);
  cli_kv("version:", "%u", s->version);
  if (s->updated_at) {
    cli_format_time(s->updated_at, t);
    cli_kv("updated:", "%s by %s", t, s->updated_by);
  }
  return EXIT_DONE;
}

static int show_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = get_settings(c, &rc);
  return r ? print_settings(c, r->settings) : rc;
}

/* "3,1" into days (at most max). 0, or -1 after the usage error. */
static int parse_days(cli_ctx *c, const char *v, uint32_t *days, size_t max,
                      size_t *n) {
  *n = 0;
  if (!strcmp(v, "none")) return 0;
  const char *p = v;
  while (*p) {
    char *end;
    long d = strtol(p, &end, 10);
    if (end == p || d < 1 || d > 60 || (*end && *end != ',') || *n == max) {
      cli_usage(c, "--reminders takes working days before the due date, "
                   "such as 3,1 (or none).");
      return -1;
    }
    days[(*n)++] = (uint32_t)d;
    p = *end ? end + 1 : end;
  }
  return 0;
}

static int set_run(cli_ctx *c) {
  Pcn__SettingsUpdate u = PCN__SETTINGS_UPDATE__INIT;
  uint32_t days[8];
  if (cli_has(c, "notice")) {
    uint64_t n;
    const char *v = cli_opt_val(c, "notice");
    if (!strcmp(v, "0")) {
      n = 0;
    } else if (cli_parse_u64(c, "--notice", v, &n)) {
      return EXIT_USAGE;
    }
    if (n > 60) return cli_usage(c, "--notice is at most 60 working days.");
    u.has_min_notice_case =
        PCN__SETTINGS_UPDATE__HAS_MIN_NOTICE_MIN_NOTICE_DAYS;
    u.min_notice_days = (uint32_t)n;
  }
  if (cli_has(c, "reminders")) {
    size_t n;
    if (parse_days(c, cli_opt_val(c, "reminders"), days, 8, &n))
      return EXIT_USAGE;
    u.set_reminder_days = 1;
    u.n_reminder_days = n;
    u.reminder_days = days;
  }
  char payee[16];
  if (cli_has(c, "payee")) {
    const char *v = cli_opt_val(c, "payee");
    if (strlen(v) >= sizeof payee)
      return cli_usage(c, "--payee takes a practice's ODS code, or none.");
    size_t i = 0;
    for (; v[i]; i++)
      payee[i] = (char)(v[i] >= 'a' && v[i] <= 'z' ? v[i] - 32 : v[i]);
    payee[i] = 0;
    if (!strcmp(payee, "NONE")) payee[0] = 0;
    u.has_payee_case = PCN__SETTINGS_UPDATE__HAS_PAYEE_PAYEE;
    u.payee = payee;
  }
  if (cli_has(c, "claim-day")) {
    uint64_t n;
    if (cli_parse_u64(c, "--claim-day", cli_opt_val(c, "claim-day"), &n))
      return EXIT_USAGE;
    if (n > 28) return cli_usage(c, "--claim-day is a day from 1 to 28.");
    u.has_claim_day_case = PCN__SETTINGS_UPDATE__HAS_CLAIM_DAY_ARRS_CLAIM_DAY;
    u.arrs_claim_day = (uint32_t)n;
  }
  if (cli_has(c, "staff-see-funding")) {
    const char *v = cli_opt_val(c, "staff-see-funding");
    if (strcmp(v, "yes") && strcmp(v, "no"))
      return cli_usage(c, "--staff-see-funding takes yes or no.");
    u.has_staff_see_funding_case =
        PCN__SETTINGS_UPDATE__HAS_STAFF_SEE_FUNDING_STAFF_SEE_FUNDING;
    u.staff_see_funding = !strcmp(v, "yes");
  }
  if (!u.has_min_notice_case && !u.set_reminder_days && !u.has_payee_case &&
      !u.has_claim_day_case && !u.has_staff_see_funding_case)
    return cli_usage(c, "give --notice, --reminders, --payee, --claim-day or "
                        "--staff-see-funding.");
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  req.settings_update = &u;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  return r ? print_settings(c, r->settings) : rc;
}

static int in_list(char **list, size_t n, const char *date) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(list[i], date)) return 1;
  return 0;
}

static int holidays_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  int64_t year;
  int m, d;
  pcn_civil_from_days(pcn_date_today(), &year, &m, &d); /* UK date */
  if (cli_has(c, "year")) {
    uint64_t y;
    if (cli_parse_u64(c, "--year", cli_opt_val(c, "year"), &y) || y < 1970 ||
        y > 2200)
      return cli_usage(c, "--year takes a year such as 2027.");
    year = (int64_t)y;
  }
  const Pcn__Response *r = get_settings(c, &rc);
  if (!r) return rc;
  const Pcn__NetworkSettings *s = r->settings;
  json_t *arr = json_array();
  if (!c->json)
    printf("%-10s  %-3s  %-28s  %s\n", "DATE", "DAY", "HOLIDAY", "SOURCE");
  int32_t from = (int32_t)pcn_days_from_civil(year, 1, 1);
  int32_t to = (int32_t)pcn_days_from_civil(year + 1, 1, 1);
  static const char *wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  for (int32_t day = from; day < to; day++) {
    char date[11];
    pcn_date_format(day, date);
    const char *rule = pcn_bank_holiday_rule_name(day);
    int added = in_list(s->holidays_added, s->n_holidays_added, date);
    int removed = in_list(s->holidays_removed, s->n_holidays_removed, date);
    if (!rule && !added) continue;
    const char *name = rule ? rule : "added by the network";
    const char *source = added     ? "network"
                         : removed ? "rule, removed by the network"
                                   : "rule";
    if (c->json) {
      json_t *o = json_object();
      json_object_set_new(o, "date", json_string(date));
      json_object_set_new(o, "name", json_string(name));
      json_object_set_new(o, "holiday", json_boolean(!removed));
      json_object_set_new(o, "source", json_string(added ? "network" : "rule"));
      json_array_append_new(arr, o);
    } else {
      printf("%-10s  %-3s  %-28s  %s\n", date, wd[pcn_weekday(day)], name,
             source);
    }
  }
  if (c->json) {
    json_t *o = json_object();
    json_object_set_new(o, "year", json_integer(year));
    json_object_set_new(o, "holidays", arr);
    cli_print_json(o);
  } else {
    json_decref(arr);
  }
  return EXIT_DONE;
}

static int holiday_change(cli_ctx *c, int add) {
  if (cli_check_date(c, "DATE", c->arg[0])) return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__HolidayAdd a = PCN__HOLIDAY_ADD__INIT;
  Pcn__HolidayRemove rm = PCN__HOLIDAY_REMOVE__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  if (add) {
    a.date = (char *)c->arg[0];
    req.body_case = PCN__REQUEST__BODY_HOLIDAY_ADD;
    req.holiday_add = &a;
  } else {
    rm.date = (char *)c->arg[0];
    req.body_case = PCN__REQUEST__BODY_HOLIDAY_REMOVE;
    req.holiday_remove = &rm;
  }
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) return print_settings(c, r->settings);
  printf("%s is now %s for the whole network.\n", c->arg[0],
         add ? "a bank holiday" : "a working day");
  return EXIT_DONE;
}

static int holiday_add_run(cli_ctx *c) {
  return holiday_change(c, 1);
}
static int holiday_remove_run(cli_ctx *c) {
  return holiday_change(c, 0);
}

const cli_cmd network_cmds[] = {
    {"network",
     "show",
     NULL,
     0,
     "show the notice rule, reminder days and holiday corrections",
     "pcn network show",
     {{0}},
     show_run},
    {"network",
     "set",
     NULL,
     0,
     "change the notice, reminders, payee, ARRS claim day or what staff "
     "see (PCN manager)",
     "pcn network set --notice 10 --reminders 3,1 --payee F84001",
     {{"notice", "DAYS", "working days an ask must give, else it is urgent"},
      {"reminders", "D,D", "working days before a due date to remind, or none"},
      {"payee", "ODS",
       "the nominated payee: the practice paid for the network (none: "
       "not recorded)"},
      {"claim-day", "DAY",
       "the day of the month the last month's ARRS claim is due (1-28)"},
      {"staff-see-funding", "yes|no",
       "whether the desktop offers staff and clinicians the Funding plan and "
       "ARRS headroom (default no)"}},
     set_run},
    {"network",
     "holidays",
     NULL,
     0,
     "list a year's bank holidays (England and Wales, as corrected)",
     "pcn network holidays --year 2027",
     {{"year", "YYYY", "the year (default this one)"}},
     holidays_run},
    {"network",
     "holiday-add",
     "DATE",
     1,
     "make a day a bank holiday, such as a jubilee (PCN manager)",
     "pcn network holiday-add 2027-06-04",
     {{0}},
     holiday_add_run},
    {"network",
     "holiday-remove",
     "DATE",
     1,
     "make a day a working day again, such as a moved holiday (PCN manager)",
     "pcn network holiday-remove 2020-05-04",
     {{0}},
     holiday_remove_run},
    {0},
};
