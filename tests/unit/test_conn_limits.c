/* test_conn_limits.c - the per-address table of connections not logged in
 * (server/conn_limits.c): addresses keyed as documented, the cap held,
 * counts exact through any churn, and the fixed pool never running out
 * while every live connection has its entry.
 *
 * Owns: a zeroed server struct with only cfg and limits set; no loop, no
 * sockets (conn_limits_start only reads the open-file limit).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conn_limits.h"

static server *new_server(uint32_t max_conns, uint32_t per_addr) {
  server *s = calloc(1, sizeof *s);
  assert_non_null(s);
  srv_config_defaults(&s->cfg);
  s->cfg.max_conns = max_conns;
  s->cfg.max_anon_per_addr = per_addr;
  char err[300];
  assert_int_equal(conn_limits_start(s, err, sizeof err), 0);
  return s;
}

static void free_server(server *s) {
  conn_limits_free(s);
  free(s);
}

static void key4(const char *ip, uint8_t key[CONN_ADDR_KEY]) {
  struct sockaddr_in a = {.sin_family = AF_INET};
  assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
  conn_addr_key((struct sockaddr *)&a, key);
}

static void key6(const char *ip, uint8_t key[CONN_ADDR_KEY]) {
  struct sockaddr_in6 a = {.sin6_family = AF_INET6};
  assert_int_equal(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
  conn_addr_key((struct sockaddr *)&a, key);
}

static void test_keys(void **state) {
  (void)state;
  uint8_t a[CONN_ADDR_KEY], b[CONN_ADDR_KEY];
  /* IPv4, and the same peer seen on a dual-stack socket. */
  key4("192.0.2.7", a);
  key6("::ffff:192.0.2.7", b);
  assert_memory_equal(a, b, CONN_ADDR_KEY);
  key4("192.0.2.8", b);
  assert_memory_not_equal(a, b, CONN_ADDR_KEY);
  /* IPv6 by its /64. */
  key6("2001:db8:1:2:aaaa::1", a);
  key6("2001:db8:1:2:bbbb:cccc:dddd:eeee", b);
  assert_memory_equal(a, b, CONN_ADDR_KEY);
  key6("2001:db8:1:3::1", b);
  assert_memory_not_equal(a, b, CONN_ADDR_KEY);
}

static void test_cap_per_address(void **state) {
  (void)state;
  server *s = new_server(100, 3);
  uint8_t a[CONN_ADDR_KEY], b[CONN_ADDR_KEY];
  key4("10.0.0.1", a);
  key4("10.0.0.2", b);
  for (int i = 0; i < 3; i++)
    assert_int_equal(conn_limits_anon_take(s, a), 0);
  assert_int_equal(conn_limits_anon_take(s, a), -1);
  assert_int_equal(conn_limits_anon_count(s, a), 3);
  /* Another address is not affected. */
  assert_int_equal(conn_limits_anon_take(s, b), 0);
  assert_int_equal(conn_limits_anon_count(s, b), 1);
  /* A release (login or close) gives the place back. */
  conn_limits_anon_release(s, a);
  assert_int_equal(conn_limits_anon_count(s, a), 2);
  assert_int_equal(conn_limits_anon_take(s, a), 0);
  assert_int_equal(conn_limits_anon_take(s, a), -1);
  for (int i = 0; i < 3; i++)
    conn_limits_anon_release(s, a);
  conn_limits_anon_release(s, b);
  assert_int_equal(conn_limits_anon_count(s, a), 0);
  assert_int_equal(conn_limits_anon_count(s, b), 0);
  free_server(s);
}

/* As many addresses as connections, in and out many times over: every
 * count stays exact and the pool (max_conns entries) never runs dry,
 * because an address whose count reaches 0 gives its entry back. */
static void test_churn(void **state) {
  (void)state;
  enum { MAX = 500, ROUNDS = 20 };
  server *s = new_server(MAX, 2);
  uint8_t keys[MAX][CONN_ADDR_KEY];
  for (int i = 0; i < MAX; i++) {
    char ip[64];
    snprintf(ip, sizeof ip, "2001:db8:%x:%x::1", i / 7, i);
    key6(ip, keys[i]);
  }
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < MAX; i++)
      assert_int_equal(conn_limits_anon_take(s, keys[(i + r) % MAX]), 0);
    for (int i = 0; i < MAX; i++)
      assert_int_equal(conn_limits_anon_count(s, keys[i]), 1);
    for (int i = 0; i < MAX; i++)
      conn_limits_anon_release(s, keys[(i * 7 + r) % MAX]);
    for (int i = 0; i < MAX; i++)
      assert_int_equal(conn_limits_anon_count(s, keys[i]), 0);
  }
  /* Half the addresses at their cap: the pool still has room. */
  for (int i = 0; i < MAX / 2; i++) {
    assert_int_equal(conn_limits_anon_take(s, keys[i]), 0);
    assert_int_equal(conn_limits_anon_take(s, keys[i]), 0);
    assert_int_equal(conn_limits_anon_take(s, keys[i]), -1);
  }
  for (int i = 0; i < MAX / 2; i++) {
    conn_limits_anon_release(s, keys[i]);
    conn_limits_anon_release(s, keys[i]);
  }
  /* Releasing an address that has none is a no-op, not an underflow. */
  conn_limits_anon_release(s, keys[0]);
  assert_int_equal(conn_limits_anon_count(s, keys[0]), 0);
  free_server(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_keys),
      cmocka_unit_test(test_cap_per_address),
      cmocka_unit_test(test_churn),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
