/*
 * sindex-words: the words of a conversation, as the search index keeps
 * them (see sindex.h). The texts are those a search looks at: the title
 * and overview as the summary holds them, and every transcript segment's
 * text. Folding is search.c's, so a term and a text agree on what a word
 * is.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "conv/sindex-impl.h"
#include "lib/json.h"
#include "lib/ufold.h"
#include "lib/ustr.h"

size_t
sword_hash(const char *w, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t	 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 1099511628211ULL;
	return (size_t)(h ^ h >> 31);
}

static int
grow(struct swords *ws)
{
	struct sword	*old = ws->v, *nv;
	size_t		 oldcap = ws->cap, i, j, cap;

	cap = oldcap ? oldcap * 2 : 256;
	if ((nv = calloc(cap, sizeof(*nv))) == NULL)
		return -1;
	for (i = 0; i < oldcap; i++) {
		if (old[i].w == NULL)
			continue;
		j = sword_hash(old[i].w, strlen(old[i].w)) & (cap - 1);
		while (nv[j].w != NULL)
			j = (j + 1) & (cap - 1);
		nv[j] = old[i];
	}
	free(old);
	ws->v = nv;
	ws->cap = cap;
	return 0;
}

static int
add_word(struct swords *ws, const char *w, size_t n, unsigned weight,
    unsigned user)
{
	struct sword	*e;
	size_t		 j;

	if (n > SINDEX_WORD_MAX)
		n = 0;		/* the shared entry of the long words */
	if ((ws->n + 1) * 2 > ws->cap && grow(ws) == -1)
		return -1;
	j = sword_hash(w, n) & (ws->cap - 1);
	for (;; j = (j + 1) & (ws->cap - 1)) {
		e = &ws->v[j];
		if (e->w == NULL)
			break;
		if (strlen(e->w) == n && memcmp(e->w, w, n) == 0) {
			e->wtf = e->wtf + weight > 255 ? 255 : e->wtf + weight;
			e->user |= user;
			return 0;
		}
	}
	if ((e->w = strndup(w, n)) == NULL)
		return -1;
	e->wtf = weight;
	e->user = user;
	ws->n++;
	return 0;
}

enum omi_err
swords_text(struct swords *ws, const char *text, size_t len,
    unsigned weight, unsigned user)
{
	const char	*p, *end, *start = NULL;
	uint32_t	 cp;
	size_t		 n;

	if (ufold_text(text, len, &ws->fold) == -1)
		return OMI_NOMEM;
	p = ws->fold.data;
	end = p + ws->fold.len;
	for (;;) {
		n = p < end ? ustr_decode(p, (size_t)(end - p), &cp) : 0;
		if (n != 0 && ufold_is_word(cp)) {
			if (start == NULL)
				start = p;
		} else if (start != NULL) {
			ws->count++;
			if (!ws->count_only && add_word(ws, start,
			    (size_t)(p - start), weight, user) == -1)
				return OMI_NOMEM;
			start = NULL;
		}
		if (n == 0)
			break;
		p += n;
	}
	return OMI_OK;
}

/* A string member of o, or "" (as the summary takes it). */
static const char *
member(const json_t *o, const char *name, size_t *len)
{
	const json_t *v = json_object_get(o, name);

	*len = json_is_string(v) ? json_string_length(v) : 0;
	return json_is_string(v) ? json_string_value(v) : "";
}

/* swords_collect's walk over the conversation's parsed JSON. */
static enum omi_err
swords_collect_doc(struct swords *ws, const json_t *doc)
{
	enum omi_err	 err;
	const char	*text;
	json_t		*st, *seg;
	size_t		 i, n;

	st = json_object_get(doc, "structured");
	text = member(st, "title", &n);
	err = swords_text(ws, text, n, 3, 0);
	text = member(st, "overview", &n);
	if (err == OMI_OK)
		err = swords_text(ws, text, n, 2, 0);
	json_array_foreach(json_object_get(doc, "transcript_segments"), i,
	    seg) {
		if (err != OMI_OK)
			break;
		text = member(seg, "text", &n);
		if (json_is_string(json_object_get(seg, "text")))
			err = swords_text(ws, text, n, 1,
			    json_is_true(json_object_get(seg, "is_user")));
	}
	return err;
}

/*
 * The words of a stored conversation, read from its JSON alone (the
 * summary's title and overview are structured.title and .overview, or
 * nothing), so that adding and removing it always see the same words. A
 * record that is not JSON has none.
 */
enum omi_err
swords_collect(struct swords *ws, const char *raw, size_t len)
{
	enum omi_err	 err;
	json_t		*doc;
	json_error_t	 jerr;
	int		 oom;

	/* Out of memory must fail the session, not index no words. */
	if ((doc = json_loadb_checked(raw, len, 0, &jerr, &oom)) == NULL)
		return oom ? OMI_NOMEM : OMI_OK;
	err = swords_collect_doc(ws, doc);
	json_decref(doc);
	return err;
}

enum omi_err
sindex_count_words(const char *raw, size_t len, const json_t *doc,
    uint64_t *count)
{
	struct swords	 ws;
	enum omi_err	 err;

	memset(&ws, 0, sizeof(ws));
	ws.count_only = 1;
	err = doc != NULL ? swords_collect_doc(&ws, doc) :
	    swords_collect(&ws, raw, len);
	*count = ws.count;
	swords_free(&ws);
	return err;
}

void
swords_free(struct swords *ws)
{
	size_t i;

	for (i = 0; i < ws->cap; i++)
		free(ws->v[i].w);
	free(ws->v);
	buf_free(&ws->fold);
	memset(ws, 0, sizeof(*ws));
}

size_t
swords_pieces(const char *term, struct buf *out)
{
	const char	*p = term, *end = term + strlen(term), *start = NULL;
	uint32_t	 cp;
	size_t		 n, count = 0;

	buf_reset(out);
	for (;;) {
		n = p < end ? ustr_decode(p, (size_t)(end - p), &cp) : 0;
		if (n != 0 && ufold_is_word(cp)) {
			if (start == NULL)
				start = p;
		} else if (start != NULL) {
			buf_append(out, start, (size_t)(p - start));
			buf_putc(out, '\0');
			count++;
			start = NULL;
		}
		if (n == 0)
			break;
		p += n;
	}
	return out->failed ? 0 : count;
}
