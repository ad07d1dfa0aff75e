/*
 * test_conv_record: conv/record.c, the stored form of a conversation:
 * round trips of sizes from empty to a megabyte, the clear t prefix, values
 * written before compression (read as they are, through a real store and
 * index_get too), and damaged values (torn frames, a frame that claims more
 * than it holds, no prefix) refused as OMI_CORRUPT, never read past.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv/index.h"
#include "conv/record.h"
#include "store/store.h"
#include "unit.h"

static char dir[] = "/tmp/omi-test-conv-record.XXXXXX";

static int
round_trip(int64_t t, const char *raw, size_t len)
{
	struct buf	 b = { 0 };
	char		*out = NULL;
	size_t		 olen = 0, rlen = 0;
	int64_t		 t2 = 0;
	int		 ok;

	conv_rec_encode(&b, t, raw, len);
	ok = !b.failed &&
	    conv_rec_decode(b.data, b.len, &out, &olen) == OMI_OK &&
	    olen == len && memcmp(out, raw, len) == 0 && out[len] == '\0' &&
	    conv_rec_raw_len(b.data, b.len, &rlen) == OMI_OK && rlen == len &&
	    conv_rec_t(b.data, b.len, &t2) == OMI_OK && t2 == t;
	free(out);
	buf_free(&b);
	return ok;
}

/* A transcript-like JSON text of about n bytes. */
static char *
transcript(size_t n, size_t *len)
{
	struct buf	 b = { 0 };
	size_t		 i;

	buf_puts(&b, "{\"id\":\"x\",\"transcript_segments\":[");
	for (i = 0; b.len < n; i++)
		buf_printf(&b, "%s{\"text\":\"segment %zu says %zu\","
		    "\"speaker\":\"SPEAKER_0%zu\",\"start\":%zu.5}",
		    i ? "," : "", i, i * 7919 % 1000, i % 3, i);
	buf_puts(&b, "]}");
	*len = b.len;
	return buf_take(&b);
}

static void
test_round_trips(void)
{
	static const size_t	 sizes[] = { 0, 1, 2, 100, 4096, 70000,
				    1u << 20 };
	size_t			 i, len;
	char			*raw;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		raw = transcript(sizes[i], &len);
		CHECK(round_trip((int64_t)i * 1000003, raw, sizes[i] ? len :
		    0));
		free(raw);
	}
	CHECK(round_trip(-1700000000000000LL, "{\"a\":1}", 7));
	CHECK(round_trip(INT64_MAX, "{}", 2));
	/* Compression pays: a 70 KB transcript keeps well under half. */
	{
		struct buf b = { 0 };
		raw = transcript(70000, &len);
		conv_rec_encode(&b, 1, raw, len);
		CHECK(!b.failed && b.len < len / 2);
		free(raw);
		buf_free(&b);
	}
}

static void
test_legacy_and_damage(void)
{
	struct buf	 b = { 0 };
	const char	*legacy = "1700000000000000\n{\"id\":\"old\"}";
	char		*out, *raw;
	size_t		 olen, len, cut;
	int64_t		 t;

	/* Written before compression: the JSON itself after the newline. */
	CHECK(conv_rec_decode(legacy, strlen(legacy), &out, &olen) == OMI_OK &&
	    olen == 12 && strcmp(out, "{\"id\":\"old\"}") == 0);
	free(out);
	CHECK(conv_rec_raw_len(legacy, strlen(legacy), &olen) == OMI_OK &&
	    olen == 12);
	CHECK(conv_rec_t(legacy, strlen(legacy), &t) == OMI_OK &&
	    t == 1700000000000000LL);
	/* No prefix, a bad prefix. */
	CHECK(conv_rec_decode("{}", 2, &out, &olen) == OMI_CORRUPT &&
	    out == NULL);
	CHECK(conv_rec_t("12x\n{}", 6, &t) == OMI_CORRUPT);
	CHECK(conv_rec_t("\n{}", 3, &t) == OMI_CORRUPT);
	/* Every torn length of a real frame is refused. */
	raw = transcript(5000, &len);
	conv_rec_encode(&b, 42, raw, len);
	for (cut = 1; cut < b.len; cut++) {
		size_t	 hl = strlen("42\n");
		int	 e;

		if (cut <= hl)
			continue;
		e = conv_rec_decode(b.data, b.len - cut, &out, &olen);
		if (e == OMI_OK)	/* never a short or wrong text */
			CHECK(olen == len && memcmp(out, raw, len) == 0);
		else
			CHECK(e == OMI_CORRUPT && out == NULL);
		free(out);
	}
	/* A flipped byte in the compressed body: refused or exact. */
	b.data[b.len / 2] ^= 0x55;
	if (conv_rec_decode(b.data, b.len, &out, &olen) == OMI_OK)
		CHECK(olen == len);
	free(out);
	/* A frame whose header claims a size above the cap. */
	{
		static const unsigned char big[] = { '1', '\n', 0x28, 0xb5,
		    0x2f, 0xfd, 0xa4, 0x00, 0x00, 0x00, 0x10, 0x01, 0x00,
		    0x00, 0x00 };	/* content size 2^36 + ... */
		CHECK(conv_rec_raw_len((const char *)big, sizeof(big),
		    &olen) == OMI_CORRUPT);
		CHECK(conv_rec_decode((const char *)big, sizeof(big), &out,
		    &olen) == OMI_CORRUPT);
	}
	free(raw);
	buf_free(&b);
}

/* A value an older version stored reads through index_get as it is. */
static void
test_legacy_in_store(void)
{
	struct store	*st;
	char		*raw = NULL;
	size_t		 len = 0;
	const char	*v = "5\n{\"id\":\"c1\",\"transcript_segments\":[]}";

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	CHECK(store_open(&st, dir, STORE_WRITE, 2000) == OMI_OK &&
	    store_put(st, "conv:u1:c1", v, strlen(v)) == OMI_OK &&
	    store_commit(st) == OMI_OK);
	store_close(st);
	CHECK(store_open(&st, dir, STORE_READ, 2000) == OMI_OK &&
	    index_get(st, "u1", "c1", &raw, &len) == OMI_OK &&
	    len == strlen(v) - 2 && strcmp(raw, v + 2) == 0);
	free(raw);
	store_close(st);
	unit_rmtree(dir);
}

int
main(void)
{
	test_round_trips();
	test_legacy_and_damage();
	test_legacy_in_store();
	return unit_done("test_conv_record");
}
