/*
 * test_buf: lib/buf.c, the growable buffer: formatted appends, truncation
 * and hand-over, JSON text, little-endian integers of each width against
 * the bytes written by hand, and reading a file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/buf.h"
#include "unit.h"

static void
test_printf(void)
{
	struct buf b = { 0 };

	buf_printf(&b, "%d-%s", 42, "x");
	CHECK(b.len == 4 && strcmp(b.data, "42-x") == 0);
	buf_free(&b);
}

/* Little-endian integers: the bytes, and back, at every width. */
static void
test_le(void)
{
	static const struct {
		uint64_t	 v;
		int		 n;
		const char	*bytes;
	} rows[] = {
		{ 0, 1, "\x00" },
		{ 0xff, 1, "\xff" },
		{ 0x0102, 2, "\x02\x01" },
		{ 0x010203, 3, "\x03\x02\x01" },
		{ 0xdeadbeef, 4, "\xef\xbe\xad\xde" },
		{ 0x0102030405, 5, "\x05\x04\x03\x02\x01" },
		{ 0x0102030405060708ULL, 8,
		    "\x08\x07\x06\x05\x04\x03\x02\x01" },
		{ UINT64_MAX, 8, "\xff\xff\xff\xff\xff\xff\xff\xff" },
	};
	struct buf	 b = { 0 };
	unsigned char	 p[8];
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_reset(&b);
		CHECK(buf_put_le(&b, rows[i].v, rows[i].n) == 0 &&
		    b.len == (size_t)rows[i].n &&
		    memcmp(b.data, rows[i].bytes, b.len) == 0);
		CHECK(le_get((const unsigned char *)rows[i].bytes,
		    rows[i].n) == rows[i].v);
		memset(p, 0xaa, sizeof(p));
		le_put(p, rows[i].v, rows[i].n);
		CHECK(memcmp(p, rows[i].bytes, rows[i].n) == 0 &&
		    (rows[i].n == 8 || p[rows[i].n] == 0xaa));
	}
	buf_free(&b);
}

/* Appends, truncation, hand-over, JSON text, files. */
static void
test_ops(void)
{
	struct buf	 b = { 0 };
	json_t		*j;
	char		*s, path[64];
	FILE		*f;
	int		 i, ok = 1;

	for (i = 0; i < 10000; i++)
		ok &= buf_putc(&b, (char)('a' + i % 26)) == 0;
	CHECK(ok && b.len == 10000 && b.data[b.len] == '\0' &&
	    b.data[9999] == 'a' + 9999 % 26 && !b.failed);
	buf_truncate(&b, 3);
	CHECK(b.len == 3 && strcmp(b.data, "abc") == 0);
	CHECK(buf_append(&b, "d\0e", 3) == 0 && b.len == 6 &&
	    memcmp(b.data, "abcd\0e", 7) == 0);
	s = buf_take(&b);
	CHECK(s != NULL && memcmp(s, "abcd\0e", 7) == 0 && b.data == NULL &&
	    b.len == 0);
	free(s);
	s = buf_take(&b);
	CHECK(s != NULL && s[0] == '\0');
	free(s);
	j = json_pack("{s:s, s:i}", "k", "\"v\"", "n", 7);
	CHECK(buf_puts(&b, "x=") == 0 &&
	    buf_put_json(&b, j, JSON_COMPACT | JSON_SORT_KEYS) == 0 &&
	    strcmp(b.data, "x={\"k\":\"\\\"v\\\"\",\"n\":7}") == 0);
	json_decref(j);
	buf_free(&b);
	snprintf(path, sizeof(path), "/tmp/omi-test-buf.%d", (int)getpid());
	if ((f = fopen(path, "w")) != NULL) {
		fputs("file text", f);
		fclose(f);
	}
	CHECK(buf_puts(&b, ">") == 0 && buf_read_file(&b, path) == 0 &&
	    strcmp(b.data, ">file text") == 0);
	unlink(path);
	errno = 0;
	CHECK(buf_read_file(&b, path) == -1 && errno == ENOENT);
	buf_free(&b);
}

int
main(void)
{
	test_printf();
	test_le();
	test_ops();
	return unit_done("test_buf");
}
