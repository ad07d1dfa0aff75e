/*
 * ingest: OMI payload validation (see ingest.h). The rules follow OMI's
 * conversation model as its backend sends it and as older senders did:
 * created_at is required; structured.title/overview/emoji/category are
 * strings (null counts as absent); transcript_segments is an array of
 * objects whose text is a string, speaker a string or null, speaker_id (or
 * the older speakerId) an integer or null, is_user a boolean, start and end
 * numbers or null. Unknown fields never cause a rejection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "conv/ingest.h"
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/text.h"

static enum omi_err
fail(struct conv_error *e, const char *field, const char *msg)
{
	snprintf(e->field, sizeof(e->field), "%s", field);
	snprintf(e->message, sizeof(e->message), "%s", msg);
	return OMI_INVALID;
}

/* A string member, or NULL when absent or null; -1 for another type. */
static int
opt_string(json_t *obj, const char *name, const char **out)
{
	json_t *v = json_object_get(obj, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

static enum omi_err
check_segment(json_t *seg, size_t i, struct conv_error *e)
{
	static const struct {
		const char	*name;
		int		 type;	/* 's' string, 'i' integer, 'b' bool, 'n' number */
	} rules[] = {
		{ "text", 's' }, { "speaker", 's' }, { "speaker_id", 'i' },
		{ "speakerId", 'i' }, { "is_user", 'b' }, { "start", 'n' },
		{ "end", 'n' },
	};
	static const char *what[] = { "a string", "an integer", "a boolean",
	    "a number" };
	char	 field[96], msg[160];
	size_t	 k;
	json_t	*v;
	int	 ok, w;

	if (!json_is_object(seg)) {
		snprintf(field, sizeof(field), "transcript_segments[%zu]", i);
		return fail(e, field, "each transcript segment must be an object");
	}
	for (k = 0; k < sizeof(rules) / sizeof(rules[0]); k++) {
		v = json_object_get(seg, rules[k].name);
		if (v == NULL || json_is_null(v))
			continue;
		switch (rules[k].type) {
		case 's': ok = json_is_string(v); w = 0; break;
		case 'i': ok = json_is_integer(v); w = 1; break;
		case 'b': ok = json_is_boolean(v); w = 2; break;
		default: ok = json_is_number(v); w = 3; break;
		}
		if (!ok) {
			snprintf(field, sizeof(field),
			    "transcript_segments[%zu].%s", i, rules[k].name);
			snprintf(msg, sizeof(msg), "%s must be %s", field,
			    what[w]);
			return fail(e, field, msg);
		}
	}
	return OMI_OK;
}

static int
derive_id(json_t *doc, char *out, size_t outlen)
{
	unsigned char	 h[16];
	char		*canon;

	canon = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if (canon == NULL)
		return -1;
	crypto_generichash(h, sizeof(h), (unsigned char *)canon,
	    strlen(canon), NULL, 0);
	free(canon);
	snprintf(out, outlen, "c-");
	sodium_bin2hex(out + 2, outlen - 2, h, sizeof(h));
	return 0;
}

enum omi_err
conv_summarize(json_t *doc, const char *id, struct conv_summary *s,
    struct conv_error *e)
{
	const char	*created, *title, *overview, *category, *emoji;
	json_t		*st, *segs, *v;
	size_t		 i;

	memset(s, 0, sizeof(*s));
	if (!json_is_object(doc))
		return fail(e, "", "the body must be a JSON object");
	if (opt_string(doc, "created_at", &created) == -1)
		return fail(e, "created_at", "created_at must be a string");
	if (created == NULL)
		return fail(e, "created_at", "created_at is required");
	if (parse_iso8601(created, &s->t, NULL) == -1)
		return fail(e, "created_at",
		    "created_at must be an ISO 8601 date-time");
	for (i = 0; i < 2; i++) {
		const char *name = i ? "finished_at" : "started_at";
		v = json_object_get(doc, name);
		if (v != NULL && !json_is_null(v) && !json_is_string(v))
			return fail(e, name, i ? "finished_at must be a string"
			    " or null" : "started_at must be a string or null");
	}
	title = overview = category = emoji = NULL;
	st = json_object_get(doc, "structured");
	if (st != NULL && !json_is_null(st)) {
		if (!json_is_object(st))
			return fail(e, "structured", "structured must be an object");
		if (opt_string(st, "title", &title) == -1)
			return fail(e, "structured.title",
			    "structured.title must be a string");
		if (opt_string(st, "overview", &overview) == -1)
			return fail(e, "structured.overview",
			    "structured.overview must be a string");
		if (opt_string(st, "category", &category) == -1)
			return fail(e, "structured.category",
			    "structured.category must be a string");
		if (opt_string(st, "emoji", &emoji) == -1)
			return fail(e, "structured.emoji",
			    "structured.emoji must be a string");
	}
	segs = json_object_get(doc, "transcript_segments");
	if (segs != NULL && !json_is_null(segs)) {
		if (!json_is_array(segs))
			return fail(e, "transcript_segments",
			    "transcript_segments must be an array");
		json_array_foreach(segs, i, v)
			if (check_segment(v, i, e) != OMI_OK)
				return OMI_INVALID;
	}
	v = json_object_get(doc, "discarded");
	if (v != NULL && !json_is_null(v) && !json_is_boolean(v))
		return fail(e, "discarded", "discarded must be a boolean");
	s->discarded = json_is_true(v);
	s->id = strdup(id);
	s->created_at = strdup(created);
	s->title = strdup(title ? title : "");
	s->overview = strdup(overview ? overview : "");
	s->category = strdup(category ? category : "");
	s->emoji = strdup(emoji ? emoji : "");
	if (!s->id || !s->created_at || !s->title || !s->overview ||
	    !s->category || !s->emoji) {
		conv_summary_free(s);
		return OMI_NOMEM;
	}
	return OMI_OK;
}

enum omi_err
conv_ingest(const char *body, size_t len, struct conv_summary *s,
    json_t **docp, struct conv_error *e)
{
	json_error_t	 jerr;
	json_t		*doc, *idv;
	char		 idbuf[64];
	const char	*id;
	enum omi_err	 err;
	int		 oom;

	memset(e, 0, sizeof(*e));
	memset(s, 0, sizeof(*s));
	if (docp)
		*docp = NULL;
	/* Jansson rejects invalid UTF-8 and \u0000 unless asked not to. */
	doc = json_loadb_checked(body, len, JSON_REJECT_DUPLICATES, &jerr, &oom);
	if (doc == NULL) {
		/* Out of memory is not the sender's fault: a 4xx would make
		 * OMI drop the conversation. */
		if (oom)
			return OMI_NOMEM;
		snprintf(e->message, sizeof(e->message),
		    "invalid JSON at line %d column %d: %.120s", jerr.line,
		    jerr.column, jerr.text);
		return OMI_INVALID;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		return fail(e, "", "the body must be a JSON object");
	}
	idv = json_object_get(doc, "id");
	if (idv == NULL || json_is_null(idv)) {
		if (derive_id(doc, idbuf, sizeof(idbuf)) == -1) {
			json_decref(doc);
			return OMI_NOMEM;
		}
		id = idbuf;
	} else if (!json_is_string(idv) ||
	    !valid_ident(json_string_value(idv), CONV_ID_MAX)) {
		json_decref(doc);
		return fail(e, "id", "id must be a string of 1 to 128 letters,"
		    " digits, '.', '_' or '-'");
	} else
		id = json_string_value(idv);
	err = conv_summarize(doc, id, s, e);
	if (err == OMI_OK && docp)
		*docp = doc;
	else
		json_decref(doc);
	return err;
}

void
conv_summary_free(struct conv_summary *s)
{
	free(s->id);
	free(s->created_at);
	free(s->title);
	free(s->overview);
	free(s->category);
	free(s->emoji);
	memset(s, 0, sizeof(*s));
}
