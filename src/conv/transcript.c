/*
 * transcript: the transcript text format (rules in transcript.h). The
 * overlap test sorts the segments by (start, end) and sweeps them keeping
 * the furthest end seen: with that order a segment overlaps an earlier one
 * exactly when it starts before that furthest end, so the test is
 * O(n log n) even for transcripts of thousands of segments.
 *
 * The segments come from a Jansson tree or straight from the stored JSON
 * (tscan_transcript). Either way each becomes a struct line (its label,
 * timing and trimmed text) before any is rendered, since whether blocks
 * show times depends on every segment: one renderer for both sources.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv/transcript.h"
#include "conv/transcript-scan.h"
#include "lib/ustr.h"

struct span {
	double	 start, end;
};

/* One segment, ready to render. */
struct line {
	struct span	 sp;
	int		 timing;	/* sp is usable */
	int		 is_user;
	uint32_t	 speaker;	/* N of "Speaker N" */
	size_t		 off, len;	/* the trimmed text in lines.texts */
};

struct lines {
	struct line	*v;
	size_t		 n, cap;
	struct buf	 texts;
	int		 failed;
};

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

/* The N of "Speaker N": SPEAKER_<1 to 9 digits>, else 0. */
static uint32_t
speaker_number(const char *sp, size_t n)
{
	uint32_t	 v = 0;
	size_t		 i;

	if (sp == NULL || n < 9 || n > 17 || memcmp(sp, "SPEAKER_", 8) != 0)
		return 0;
	for (i = 8; i < n; i++) {
		if (sp[i] < '0' || sp[i] > '9')
			return 0;
		v = v * 10 + (uint32_t)(sp[i] - '0');
	}
	return v;
}

/* A segment's members as a line; text may be NULL (none). */
static void
lines_add(struct lines *l, const char *text, size_t tlen, int is_user,
    const char *speaker, size_t slen, int timing, double start, double end)
{
	struct line	*ln, *v;
	size_t		 cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL) {
			l->failed = 1;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	ln = &l->v[l->n++];
	ln->sp.start = start;
	ln->sp.end = end;
	ln->timing = timing && start >= 0 && end >= start &&
	    end <= TRANSCRIPT_MAX_SECONDS;
	ln->is_user = is_user;
	ln->speaker = is_user ? 0 : speaker_number(speaker, slen);
	ln->off = l->texts.len;
	if (text != NULL)
		put_trimmed(&l->texts, text, tlen);
	ln->len = l->texts.len - ln->off;
}

static void
lines_free(struct lines *l)
{
	free(l->v);
	buf_free(&l->texts);
}

/* A segment of a Jansson tree as a line. */
static void
lines_add_json(struct lines *l, const json_t *seg)
{
	const json_t	*s = json_object_get(seg, "start");
	const json_t	*e = json_object_get(seg, "end");
	const json_t	*text = json_object_get(seg, "text");
	const json_t	*sp = json_object_get(seg, "speaker");

	lines_add(l, json_string_value(text), json_string_length(text),
	    json_is_true(json_object_get(seg, "is_user")),
	    json_string_value(sp), json_string_length(sp),
	    json_is_number(s) && json_is_number(e),
	    json_number_value(s), json_number_value(e));
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

/* 1 when the lines show their times, 0 when not, -1 out of memory. */
static int
lines_timed(const struct lines *l)
{
	struct span	*v;
	size_t		 i;
	double		 maxend;
	int		 timed = 1;

	for (i = 0; i < l->n; i++)
		if (!l->v[i].timing)
			return 0;
	if (l->n < 2)
		return 1;
	if ((v = calloc(l->n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < l->n; i++)
		v[i] = l->v[i].sp;
	qsort(v, l->n, sizeof(*v), span_cmp);
	for (i = 1, maxend = v[0].end; i < l->n; i++) {
		if (v[i].start < maxend) {
			timed = 0;
			break;
		}
		if (v[i].end > maxend)
			maxend = v[i].end;
	}
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

static int
lines_render(struct lines *l, struct buf *out)
{
	const struct line	*ln;
	size_t			 i;
	int			 timed;

	if (l->failed || l->texts.failed || (timed = lines_timed(l)) == -1)
		return -1;
	for (i = 0; i < l->n; i++) {
		ln = &l->v[i];
		if (i > 0)
			buf_puts(out, "\n\n");
		if (timed) {
			buf_putc(out, '[');
			put_time(out, ln->sp.start);
			buf_puts(out, " - ");
			put_time(out, ln->sp.end);
			buf_puts(out, "] ");
		}
		if (ln->is_user)
			buf_puts(out, "User:");
		else
			buf_printf(out, "Speaker %u:", (unsigned)ln->speaker);
		/* Empty text: no trailing space after the colon. */
		if (ln->len > 0) {
			buf_putc(out, ' ');
			buf_append(out, l->texts.data + ln->off, ln->len);
		}
	}
	return out->failed ? -1 : 0;
}

/* The object segments of a Jansson array (anything else: none) as lines. */
static void
lines_from_json(struct lines *l, const json_t *segments)
{
	const json_t	*seg;
	size_t		 i;

	json_array_foreach(segments, i, seg)
		if (json_is_object(seg))
			lines_add_json(l, seg);
}

int
transcript_timed(const json_t *segments)
{
	struct lines	 l = { 0 };
	int		 timed;

	lines_from_json(&l, segments);
	timed = l.failed ? -1 : lines_timed(&l);
	lines_free(&l);
	return timed;
}

int
transcript_render(const json_t *segments, struct buf *out)
{
	struct lines	 l = { 0 };
	int		 rc;

	lines_from_json(&l, segments);
	rc = lines_render(&l, out);
	lines_free(&l);
	return rc;
}

static int
scanned_line(void *ctx, const struct tscan_seg *seg)
{
	struct lines *l = ctx;

	lines_add(l, seg->text, seg->text_len, seg->is_user, seg->speaker,
	    seg->speaker_len, seg->has_start && seg->has_end, seg->start,
	    seg->end);
	return l->failed;
}

enum omi_err
transcript_render_doc(const char *doc, size_t len, const char *const *names,
    size_t n, struct tscan_span *spans, struct buf *out)
{
	struct lines		 l = { 0 };
	struct tscan_bufs	 b = { { 0 }, { 0 } };
	enum omi_err		 err;

	err = tscan_transcript(doc, len, names, n, spans, &b, scanned_line,
	    &l);
	if (err == OMI_OK && lines_render(&l, out) == -1)
		err = OMI_NOMEM;
	lines_free(&l);
	buf_free(&b.text);
	buf_free(&b.speaker);
	return err;
}
