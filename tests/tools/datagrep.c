/*
 * datagrep: how many of the given files hold NEEDLE, in their bytes as they
 * are or inside any zstd frame among them (conversations are stored
 * compressed, so grep -a alone would miss their words). For the privacy
 * tests: "no file holds this word" must see through the compression.
 *
 *   datagrep [-v] NEEDLE FILE...   prints the count; -v names each file
 *                                  and says whether a frame held it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "lib/buf.h"

static const unsigned char magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

/* 1 if a frame starting in p[0..n) decompresses to text holding needle. */
static int
frame_holds(ZSTD_DCtx *d, const char *p, size_t n, const char *needle)
{
	struct buf	 out = { 0 };
	char		 chunk[1 << 16];
	ZSTD_inBuffer	 in;
	ZSTD_outBuffer	 ob;
	size_t		 fsz, r;
	int		 hit;

	fsz = ZSTD_findFrameCompressedSize(p, n);
	if (ZSTD_isError(fsz))
		return 0;
	ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
	in = (ZSTD_inBuffer){ p, fsz, 0 };
	do {
		ob = (ZSTD_outBuffer){ chunk, sizeof(chunk), 0 };
		r = ZSTD_decompressStream(d, &ob, &in);
		if (ZSTD_isError(r) || buf_append(&out, chunk, ob.pos) != 0)
			break;
	} while (r != 0 && (in.pos < in.size || ob.pos == ob.size));
	hit = out.data != NULL && memmem(out.data, out.len, needle,
	    strlen(needle)) != NULL;
	buf_free(&out);
	return hit;
}

int
main(int argc, char **argv)
{
	struct buf	 b = { 0 };
	ZSTD_DCtx	*d;
	const char	*needle, *p, *end;
	int		 i, verbose = 0, count = 0, raw, framed;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc < 2 || (d = ZSTD_createDCtx()) == NULL) {
		fprintf(stderr, "usage: datagrep [-v] NEEDLE FILE...\n");
		return 2;
	}
	needle = argv[1];
	for (i = 2; i < argc; i++) {
		buf_reset(&b);
		if (buf_read_file(&b, argv[i]) == -1) {
			perror(argv[i]);
			return 2;
		}
		raw = b.data != NULL && memmem(b.data, b.len, needle,
		    strlen(needle)) != NULL;
		framed = 0;
		for (p = b.data, end = b.data + b.len; !raw && !framed && p &&
		    (p = memmem(p, (size_t)(end - p), magic, 4)) != NULL; p++)
			framed = frame_holds(d, p, (size_t)(end - p), needle);
		if (raw || framed) {
			count++;
			if (verbose)
				printf("%s: %s\n", argv[i], raw ? "raw" :
				    "compressed");
		}
	}
	printf("%d\n", count);
	ZSTD_freeDCtx(d);
	buf_free(&b);
	return 0;
}
