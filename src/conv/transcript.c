/*
 * transcript: the transcript text format (rules in transcript.h). The
 * overlap test sorts the segments by (start, end) and sweeps them keeping
 * the furthest end seen: with that order a segment overlaps an earlier one
 * exactly when it starts before that furthest end, so the test is
 * O(n log n) even for transcripts of thousands of segments.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv/transcript.h"
#include "lib/ustr.h"

struct span {
	double	 start, end;
};

/* The segment's usable timing, or -1. */
static int
segment_span(const json_t *seg, struct span *sp)
{
	const json_t *s = json_object_get(seg, "start");
	const json_t *e = json_object_get(seg, "end");

	if (!json_is_number(s) || !json_is_number(e))
		return -1;
	sp->start = json_number_value(s);
	sp->end = json_number_value(e);
	if (!(sp->start >= 0) || !(sp->end >= sp->start) ||
	    sp->end > TRANSCRIPT_MAX_SECONDS)
		return -1;
	return 0;
}

static int
span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

int
transcript_timed(const json_t *segments)
{
	struct span	*v;
	const json_t	*seg;
	size_t		 i, n = 0;
	double		 maxend;
	int		 timed = 1;

	if (!json_is_array(segments) || json_array_size(segments) == 0)
		return 1;
	if ((v = calloc(json_array_size(segments), sizeof(*v))) == NULL)
		return -1;
	json_array_foreach(segments, i, seg) {
		if (!json_is_object(seg))
			continue;
		if (segment_span(seg, &v[n++]) == -1) {
			timed = 0;
			goto out;
		}
	}
	qsort(v, n, sizeof(*v), span_cmp);
	for (i = 1, maxend = n ? v[0].end : 0; i < n; i++) {
		if (v[i].start < maxend) {
			timed = 0;
			break;
		}
		if (v[i].end > maxend)
			maxend = v[i].end;
	}
out:
	free(v);
	return timed;
}

static void
put_time(struct buf *out, double secs)
{
	uint64_t t = (uint64_t)secs;	/* 0 <= secs <= 1e9: truncation */

	buf_printf(out, "%llu:%02u:%02u", (unsigned long long)(t / 3600),
	    (unsigned)(t / 60 % 60), (unsigned)(t % 60));
}

/* Python's str.isspace(), which str.strip() follows. */
static int
is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ||
	    c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Appends s without its leading and trailing whitespace. */
static void
put_trimmed(struct buf *out, const char *s, size_t n)
{
	size_t		 i = 0, end = 0, len;
	size_t		 first = n;
	uint32_t	 cp;

	while (i < n) {
		len = ustr_decode(s + i, n - i, &cp);
		if (!is_space(cp)) {
			if (first == n)
				first = i;
			end = i + len;
		}
		i += len;
	}
	if (first < end)
		buf_append(out, s + first, end - first);
}

static void
put_label(struct buf *out, const json_t *seg)
{
	const char	*sp;
	size_t		 n, i;

	if (json_is_true(json_object_get(seg, "is_user"))) {
		buf_puts(out, "User");
		return;
	}
	buf_puts(out, "Speaker ");
	sp = json_string_value(json_object_get(seg, "speaker"));
	if (sp == NULL || strncmp(sp, "SPEAKER_", 8) != 0) {
		buf_putc(out, '0');
		return;
	}
	sp += 8;
	n = strlen(sp);
	if (n < 1 || n > 9 || strspn(sp, "0123456789") != n) {
		buf_putc(out, '0');
		return;
	}
	for (i = 0; i + 1 < n && sp[i] == '0'; i++)
		continue;
	buf_puts(out, sp + i);
}

int
transcript_render(const json_t *segments, struct buf *out)
{
	const json_t	*seg, *text;
	struct span	 sp;
	size_t		 i, mark, blocks = 0;
	int		 timed;

	if (!json_is_array(segments))
		return out->failed ? -1 : 0;
	if ((timed = transcript_timed(segments)) == -1)
		return -1;
	json_array_foreach(segments, i, seg) {
		if (!json_is_object(seg))
			continue;
		if (blocks++ > 0)
			buf_puts(out, "\n\n");
		if (timed && segment_span(seg, &sp) == 0) {
			buf_putc(out, '[');
			put_time(out, sp.start);
			buf_puts(out, " - ");
			put_time(out, sp.end);
			buf_puts(out, "] ");
		}
		put_label(out, seg);
		buf_putc(out, ':');
		mark = out->len;
		buf_putc(out, ' ');
		text = json_object_get(seg, "text");
		if (json_is_string(text))
			put_trimmed(out, json_string_value(text),
			    json_string_length(text));
		if (out->len == mark + 1 && !out->failed) {
			/* Empty text: no trailing space after the colon. */
			out->len = mark;
			out->data[mark] = '\0';
		}
	}
	return out->failed ? -1 : 0;
}
