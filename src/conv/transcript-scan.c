/*
 * transcript-scan: transcript texts straight from a conversation's JSON
 * (see transcript-scan.h).
 *
 * Two passes over the text. The first walks the whole document as Jansson
 * would read it, without keeping anything but where the value of the
 * top-level "transcript_segments" member lies: a document that does not
 * parse, or holds that member twice, is declined before any text is
 * handed out. The second walks that value and decodes the "text" string
 * of each object in it (noting, for tscan_segments, whether its "is_user"
 * is true). Every read is bounded by the document's end, and
 * nesting by TSCAN_MAX_DEPTH, so the recursion is shallow.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv/transcript-scan.h"
#include "lib/swar.h"
#include "lib/text.h"
#include "lib/ustr.h"

#define DECLINE	1

struct cur {
	const unsigned char	*p, *end;
	int			 max_depth;
	size_t			 values, max_values;
	int			 over;		/* TSCAN_TOO_DEEP, TSCAN_TOO_MANY */
};

/* A cursor over the whole document. */
static void
cur_init(struct cur *c, const char *doc, size_t len, int max_depth,
    size_t max_values)
{
	memset(c, 0, sizeof(*c));
	c->p = (const unsigned char *)doc;
	c->end = c->p + len;
	c->max_depth = max_depth;
	c->max_values = max_values;
}

static void
ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
peek(const struct cur *c)
{
	return c->p < c->end ? *c->p : -1;
}

/* After whitespace, the byte ch; 0, or -1 when something else is there. */
static int
expect(struct cur *c, int ch)
{
	ws(c);
	if (peek(c) != ch)
		return -1;
	c->p++;
	return 0;
}

/* The four hex digits at p as a code unit, or -1. */
static long
hex4(const unsigned char *p)
{
	long	 v = 0;
	int	 i, d;

	for (i = 0; i < 4; i++) {
		if ((d = hex_digit(p[i])) == -1)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* String bytes that need no look: all but controls, '"' and '\\'. */
static const unsigned char plain[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0xff] = 1
};

/*
 * Skips the string at c->p (its opening quote); *escaped (when escaped is
 * set) tells whether it holds a backslash. Control characters and unknown
 * escapes: -1.
 */
static int
skip_string(struct cur *c, int *escaped)
{
	const unsigned char	*p = c->p + 1;
	uint64_t		 v, m;
	int			 seen = 0;

	for (;;) {
		/* The common bytes eight at a time, then one by one. */
		for (; c->end - p >= 8; p += 8) {
			v = swar_load(p);
			if ((m = swar_below(v, 0x20) | swar_has(v, '"') |
			    swar_has(v, '\\')) != 0) {
				p += swar_skip(m);
				break;
			}
		}
		while (p < c->end && plain[*p])
			p++;
		if (p >= c->end || *p < 0x20)
			return -1;
		if (*p == '"')
			break;
		seen = 1;
		if (c->end - p < 2)
			return -1;
		if (p[1] == 'u') {
			if (c->end - p < 6 || hex4(p + 2) == -1)
				return -1;
			p += 6;
		} else if (p[1] != '\0' && strchr("\"\\/bfnrt", p[1]) != NULL)
			p += 2;
		else
			return -1;
	}
	c->p = p + 1;
	if (escaped != NULL)
		*escaped = seen;
	return 0;
}

static int
skip_literal(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

/* A number's characters; the container then checks what follows. */
static int
skip_number(struct cur *c)
{
	if (peek(c) != '-' && (peek(c) < '0' || peek(c) > '9'))
		return -1;
	while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') ||
	    *c->p == '-' || *c->p == '+' || *c->p == '.' || *c->p == 'e' ||
	    *c->p == 'E'))
		c->p++;
	return 0;
}

static int	skip_value(struct cur *, int depth);

/* Skips the object or array at c->p, which sits at nesting depth. */
static int
skip_container(struct cur *c, int depth)
{
	int	 close = *c->p == '{' ? '}' : ']';

	if (depth > c->max_depth) {
		c->over = TSCAN_TOO_DEEP;
		return -1;
	}
	c->p++;
	ws(c);
	if (peek(c) == close) {
		c->p++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			ws(c);
			if (peek(c) != '"' || skip_string(c, NULL) == -1 ||
			    expect(c, ':') == -1)
				return -1;
		}
		if (skip_value(c, depth) == -1)
			return -1;
		ws(c);
		if (peek(c) == close) {
			c->p++;
			return 0;
		}
		if (peek(c) != ',')
			return -1;
		c->p++;
	}
}

/* Skips a value inside a container at depth. */
static int
skip_value(struct cur *c, int depth)
{
	if (++c->values > c->max_values) {
		c->over = TSCAN_TOO_MANY;
		return -1;
	}
	ws(c);
	switch (peek(c)) {
	case '"':
		return skip_string(c, NULL);
	case '{':
	case '[':
		return skip_container(c, depth + 1);
	case 't':
		return skip_literal(c, "true");
	case 'f':
		return skip_literal(c, "false");
	case 'n':
		return skip_literal(c, "null");
	default:
		return skip_number(c);
	}
}

/*
 * At an object member's key: reads it (declining keys with escapes, which
 * a comparison could not see through) and the colon, and leaves its bytes
 * (without the quotes) in *k, *klen. 0, or -1 to decline.
 */
static int
member_name(struct cur *c, const unsigned char **k, size_t *klen)
{
	int	 escaped;

	ws(c);
	if (peek(c) != '"')
		return -1;
	*k = c->p + 1;
	if (skip_string(c, &escaped) == -1 || escaped)
		return -1;
	*klen = (size_t)(c->p - *k) - 1;
	if (expect(c, ':') == -1)
		return -1;
	ws(c);
	return 0;
}

static int
name_is(const unsigned char *k, size_t klen, const char *name)
{
	return klen == strlen(name) && memcmp(k, name, klen) == 0;
}

/* After a member's value: 1 at the object's end, 0 before another. */
static int
member_next(struct cur *c)
{
	ws(c);
	if (peek(c) == '}') {
		c->p++;
		return 1;
	}
	if (peek(c) != ',')
		return -1;
	c->p++;
	return 0;
}

/*
 * The members named in names[0..n) of the object at c, which sits at
 * depth: at[i] spans member i's value (at[i].p NULL when absent). Leaves
 * c after the object. A name given twice declines, as Jansson keeps the
 * last and a comparison has only one.
 */
static int
find_members(struct cur *c, int depth, const char *const *names, size_t n,
    struct cur *at)
{
	const unsigned char	*k;
	size_t			 klen, i;
	int			 rc = 1;

	for (i = 0; i < n; i++) {
		at[i] = *c;
		at[i].p = at[i].end = NULL;
	}
	if (expect(c, '{') == -1)
		return -1;
	ws(c);
	if (peek(c) == '}') {
		c->p++;
		return 0;
	}
	do {
		if (member_name(c, &k, &klen) == -1)
			return -1;
		for (i = 0; i < n && !name_is(k, klen, names[i]); i++)
			;
		if (i < n && at[i].p != NULL)
			return -1;
		if (i < n)
			at[i].p = c->p;
		if (skip_value(c, depth) == -1)
			return -1;
		if (i < n)
			at[i].end = c->p;
	} while ((rc = member_next(c)) == 0);
	return rc == -1 ? -1 : 0;
}

/* Pass one: the whole document, and where its members of names lie. */
static int
find_top(const char *doc, size_t len, const char *const *names, size_t n,
    struct cur *at)
{
	struct cur c;

	cur_init(&c, doc, len, TSCAN_MAX_DEPTH, SIZE_MAX);
	if (find_members(&c, 1, names, n, at) == -1)
		return -1;
	ws(&c);
	return c.p != c.end ? -1 : 0;
}

/*
 * Decodes the string [p, end) (without its quotes, already checked by
 * skip_string) into b: 0, DECLINE where Jansson would refuse it (\u0000, a
 * lone surrogate, invalid UTF-8), -1 out of memory.
 */
static int
decode(const unsigned char *p, const unsigned char *end, struct buf *b)
{
	const unsigned char	*run;
	long			 cp, lo;
	char			 enc[4];

	buf_reset(b);
	while (p < end) {
		run = p;
		if ((p = memchr(run, '\\', (size_t)(end - run))) == NULL)
			p = end;
		buf_append(b, run, (size_t)(p - run));
		if (p == end)
			break;
		switch (p[1]) {
		case 'b': buf_putc(b, '\b'); break;
		case 'f': buf_putc(b, '\f'); break;
		case 'n': buf_putc(b, '\n'); break;
		case 'r': buf_putc(b, '\r'); break;
		case 't': buf_putc(b, '\t'); break;
		case 'u':
			break;
		default:	/* '"', '\\', '/' */
			buf_putc(b, (char)p[1]);
			break;
		}
		if (p[1] != 'u') {
			p += 2;
			continue;
		}
		cp = hex4(p + 2);
		p += 6;
		if (cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff))
			return DECLINE;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
			    (lo = hex4(p + 2)) < 0xdc00 || lo > 0xdfff)
				return DECLINE;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		}
		buf_append(b, enc, ustr_encode((uint32_t)cp, enc));
	}
	if (b->failed)
		return -1;
	return b->len == 0 || valid_utf8(b->data, b->len) ? 0 : DECLINE;
}

/*
 * What pass two hands on: the callback of tscan_segments, that of
 * tscan_segment_texts (which looks at no "is_user", so declines no more
 * documents than it did before the flag was read), or tscan_transcript's,
 * which has every member that the transcript's text is made of.
 */
struct seg_fn {
	int	 (*fn)(void *, const char *, size_t, int, size_t);
	int	 (*text_fn)(void *, const char *, size_t, size_t);
	int	 (*seg_fn)(void *, const struct tscan_seg *);
	struct buf *speaker_buf;	/* tscan_transcript's speaker */
	void	*ctx;
	int	 speaker;	/* read "is_user" */
};

/*
 * The JSON number [p, end) as Jansson reads it: an integer (no '.', 'e'
 * or 'E') with strtoll, converted to double as json_number_value does,
 * else strtod. 0, or DECLINE for what Jansson refuses (bad syntax, an
 * integer or a real out of range) and for a number too long to copy.
 */
static int
number_value(const unsigned char *p, const unsigned char *end, double *out)
{
	const unsigned char	*q = p;
	char			 text[64], *stop;
	size_t			 n = (size_t)(end - p);
	int			 real = 0;
	long long		 i;

	/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	if (q < end && *q == '-')
		q++;
	if (q < end && *q == '0')
		q++;
	else if (q < end && *q >= '1' && *q <= '9')
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	else
		return DECLINE;
	if (q < end && *q == '.') {
		real = 1;
		if (++q == end || *q < '0' || *q > '9')
			return DECLINE;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		real = 1;
		if (++q < end && (*q == '+' || *q == '-'))
			q++;
		if (q == end || *q < '0' || *q > '9')
			return DECLINE;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q != end || n >= sizeof(text))
		return DECLINE;
	memcpy(text, p, n);
	text[n] = '\0';
	errno = 0;
	if (!real) {
		i = strtoll(text, &stop, 10);
		if (errno == ERANGE)
			return DECLINE;
		*out = (double)i;
	} else {
		*out = strtod(text, &stop);
		if ((*out == HUGE_VAL || *out == -HUGE_VAL) && errno == ERANGE)
			return DECLINE;
	}
	return 0;
}

/* Which of a segment's members tscan_transcript reads. */
enum seg_member { M_TEXT, M_IS_USER, M_SPEAKER, M_START, M_END, M_OTHER };

static enum seg_member
seg_member(const unsigned char *k, size_t klen, const struct seg_fn *sf)
{
	if (name_is(k, klen, "text"))
		return M_TEXT;
	if (sf->speaker && name_is(k, klen, "is_user"))
		return M_IS_USER;
	if (sf->seg_fn == NULL)
		return M_OTHER;
	if (name_is(k, klen, "speaker"))
		return M_SPEAKER;
	if (name_is(k, klen, "start"))
		return M_START;
	if (name_is(k, klen, "end"))
		return M_END;
	return M_OTHER;
}

/*
 * At the value of a member read as a string (text, speaker): its span in
 * *at when it is a string, skipped otherwise. 0 or -1.
 */
static int
string_member(struct cur *c, struct cur *at)
{
	const unsigned char *v = c->p;

	if (peek(c) != '"')
		return skip_value(c, 3);
	if (skip_string(c, NULL) == -1)
		return -1;
	at->p = v;
	at->end = c->p;
	return 0;
}

/* At the value of start or end: *has 1 and *out when it is a number. */
static int
number_member(struct cur *c, int *has, double *out)
{
	const unsigned char	*v = c->p;
	int			 ch = peek(c);

	if (skip_value(c, 3) == -1)
		return DECLINE;
	if (ch != '-' && (ch < '0' || ch > '9'))
		return 0;
	*has = 1;
	return number_value(v, c->p, out);
}

/* Hands one segment's members to the callback that asked for them. */
static int
segment_out(size_t at, const struct cur *text,
    const struct cur *speaker, struct tscan_seg *seg, struct buf *scratch,
    const struct seg_fn *sf, int *stop)
{
	int	 rc;

	if (text->p == NULL && sf->seg_fn == NULL)
		return 0;
	if (text->p != NULL &&
	    (rc = decode(text->p + 1, text->end - 1, scratch)) != 0)
		return rc;
	if (sf->seg_fn != NULL) {
		if (text->p != NULL) {
			seg->text = scratch->data ? scratch->data : "";
			seg->text_len = scratch->len;
		}
		if (speaker->p != NULL) {
			if ((rc = decode(speaker->p + 1, speaker->end - 1,
			    sf->speaker_buf)) != 0)
				return rc;
			seg->speaker = sf->speaker_buf->data ?
			    sf->speaker_buf->data : "";
			seg->speaker_len = sf->speaker_buf->len;
		}
		*stop = sf->seg_fn(sf->ctx, seg);
	} else if (sf->speaker)
		*stop = sf->fn(sf->ctx, scratch->data ? scratch->data : "",
		    scratch->len, seg->is_user, at);
	else
		*stop = sf->text_fn(sf->ctx, scratch->data ? scratch->data :
		    "", scratch->len, at);
	return 0;
}

/*
 * Pass two, one element of the array: an object's "text" string goes to
 * the callback, with its "is_user" flag when asked for, or (for
 * tscan_transcript) all of the segment's members that it reads. A member
 * read twice declines. Sets *stop when the callback asks to stop.
 */
static int
segment(struct cur *c, const char *doc, struct buf *scratch,
    const struct seg_fn *sf, int *stop)
{
	struct cur		 text = { .p = NULL }, speaker = { .p = NULL };
	struct tscan_seg	 seg;
	const unsigned char	*k;
	size_t			 klen;
	enum seg_member		 m;
	unsigned		 seen = 0;
	int			 rc = 0;

	if (peek(c) != '{')
		return skip_value(c, 2) == -1 ? DECLINE : 0;
	memset(&seg, 0, sizeof(seg));
	c->p++;
	ws(c);
	if (peek(c) == '}')
		c->p++;
	else
		do {
			if (member_name(c, &k, &klen) == -1)
				return DECLINE;
			if ((m = seg_member(k, klen, sf)) != M_OTHER &&
			    (seen & (1u << m)))
				return DECLINE;
			seen |= 1u << m;
			switch (m) {
			case M_TEXT:
				rc = string_member(c, &text) == -1 ?
				    DECLINE : 0;
				break;
			case M_IS_USER:
				seg.is_user = peek(c) == 't';
				rc = skip_value(c, 3) == -1 ? DECLINE : 0;
				break;
			case M_SPEAKER:
				rc = string_member(c, &speaker) == -1 ?
				    DECLINE : 0;
				break;
			case M_START:
				rc = number_member(c, &seg.has_start,
				    &seg.start);
				break;
			case M_END:
				rc = number_member(c, &seg.has_end, &seg.end);
				break;
			default:
				rc = skip_value(c, 3) == -1 ? DECLINE : 0;
				break;
			}
			if (rc != 0)
				return rc;
		} while ((rc = member_next(c)) == 0);
	if (rc == -1)
		return DECLINE;
	return segment_out((size_t)(c->p - (const unsigned char *)doc),
	    &text, &speaker, &seg, scratch, sf, stop);
}

/* Pass two over seg, the value of "transcript_segments": 0, DECLINE, -1. */
static int
segments_at(struct cur seg, const char *doc, struct buf *scratch,
    const struct seg_fn *sf)
{
	int	 rc, stop = 0;

	/* Absent, or not an array: no texts, as with Jansson. */
	if (seg.p == NULL || peek(&seg) != '[')
		return 0;
	seg.p++;
	ws(&seg);
	if (peek(&seg) == ']')
		return 0;
	for (;;) {
		ws(&seg);
		if ((rc = segment(&seg, doc, scratch, sf, &stop)) != 0)
			return rc;
		if (stop)
			return 0;
		ws(&seg);
		if (peek(&seg) == ']')
			return 0;
		if (peek(&seg) != ',')
			return DECLINE;
		seg.p++;
	}
}

/* tscan_segments with the scanner's own codes: 0, DECLINE, -1. */
static int
segments(const char *doc, size_t len, struct buf *scratch,
    const struct seg_fn *sf)
{
	struct cur	 seg;

	if (find_top(doc, len, (const char *const []){
	    "transcript_segments" }, 1, &seg) == -1)
		return DECLINE;
	return segments_at(seg, doc, scratch, sf);
}

static enum omi_err
segments_err(int rc)
{
	switch (rc) {
	case 0:
		return OMI_OK;
	case DECLINE:
		return OMI_NOTFOUND;
	default:
		return OMI_NOMEM;
	}
}

enum omi_err
tscan_segment_texts(const char *doc, size_t len, struct buf *scratch,
    int (*fn)(void *, const char *, size_t, size_t), void *ctx)
{
	struct seg_fn	 sf = { .text_fn = fn, .ctx = ctx };

	return segments_err(segments(doc, len, scratch, &sf));
}

enum omi_err
tscan_segments(const char *doc, size_t len, struct buf *scratch,
    int (*fn)(void *, const char *, size_t, int, size_t), void *ctx)
{
	struct seg_fn	 sf = { .fn = fn, .ctx = ctx, .speaker = 1 };

	return segments_err(segments(doc, len, scratch, &sf));
}

enum omi_err
tscan_transcript(const char *doc, size_t len, const char *const *names,
    size_t n, struct tscan_span *spans, struct tscan_bufs *b,
    int (*fn)(void *, const struct tscan_seg *), void *ctx)
{
	struct seg_fn	 sf = { .seg_fn = fn, .speaker_buf = &b->speaker,
			    .ctx = ctx, .speaker = 1 };
	const char	*all[TSCAN_MAX_MEMBERS + 1];
	struct cur	 at[TSCAN_MAX_MEMBERS + 1];
	size_t		 i;

	if (n > TSCAN_MAX_MEMBERS)
		return OMI_INVALID;
	all[0] = "transcript_segments";
	for (i = 0; i < n; i++)
		all[i + 1] = names[i];
	if (find_top(doc, len, all, n + 1, at) == -1)
		return OMI_NOTFOUND;
	for (i = 0; i < n; i++) {
		spans[i].p = (const char *)at[i + 1].p;
		spans[i].len = at[i + 1].p ?
		    (size_t)(at[i + 1].end - at[i + 1].p) : 0;
	}
	return segments_err(segments_at(at[0], doc, &b->text, &sf));
}

int
tscan_limits(const char *doc, size_t len, int max_depth, size_t max_values,
    size_t *at)
{
	struct cur	 c;
	int		 rc;

	cur_init(&c, doc, len, max_depth, max_values);
	if (skip_value(&c, 0) == -1)
		rc = c.over ? c.over : DECLINE;
	else {
		ws(&c);
		rc = c.p == c.end ? 0 : DECLINE;
	}
	*at = (size_t)(c.p - (const unsigned char *)doc);
	return rc;
}

/*
 * A string member's value at v into out (NUL-terminated): "" unless it is
 * a string, as json_string_value would give NULL. 0, DECLINE or -1.
 */
static int
member_string(const struct cur *v, struct buf *out)
{
	int rc;

	buf_reset(out);
	if (v->p != NULL && peek(v) == '"' &&
	    (rc = decode(v->p + 1, v->end - 1, out)) != 0)
		return rc;
	buf_putc(out, '\0');
	return out->failed ? -1 : 0;
}

static int
summary(const char *doc, size_t len, struct tscan_summary *out)
{
	static const char *const top[] = { "created_at", "discarded",
	    "structured" };
	static const char *const st[] = { "title", "overview", "category",
	    "emoji" };
	struct buf	*field[] = { &out->title, &out->overview,
			    &out->category, &out->emoji };
	struct cur	 at[3], sat[4], sc;
	size_t		 i;
	int		 rc;

	if (find_top(doc, len, top, 3, at) == -1)
		return DECLINE;
	out->discarded = at[1].p != NULL && peek(&at[1]) == 't';
	if ((rc = member_string(&at[0], &out->created_at)) != 0)
		return rc;
	sc = at[2];
	/* Not an object: json_object_get finds nothing in it. */
	if (sc.p == NULL || peek(&sc) != '{')
		for (i = 0; i < 4; i++)
			sat[i].p = NULL;
	else if (find_members(&sc, 2, st, 4, sat) == -1)
		return DECLINE;
	for (i = 0; i < 4; i++)
		if ((rc = member_string(&sat[i], field[i])) != 0)
			return rc;
	return 0;
}

enum omi_err
tscan_summary(const char *doc, size_t len, struct tscan_summary *out)
{
	return segments_err(summary(doc, len, out));
}

void
tscan_summary_free(struct tscan_summary *s)
{
	buf_free(&s->created_at);
	buf_free(&s->title);
	buf_free(&s->overview);
	buf_free(&s->category);
	buf_free(&s->emoji);
}
