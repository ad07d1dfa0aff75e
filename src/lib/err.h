/*
 * err: the one return convention of the project's functions that can fail
 * in more than one way. OMI_OK is zero, so `if (err != OMI_OK)` and
 * `if (err)` read the same. Bad input and out-of-memory are different
 * values, never both -1: the caller answers the first with 400 and the
 * second with 500. Functions that can only succeed or fail keep returning
 * 0 or -1; functions that find or not return OMI_NOTFOUND.
 */
#ifndef OMI_ERR_H
#define OMI_ERR_H

enum omi_err {
	OMI_OK = 0,
	OMI_NOTFOUND,
	OMI_BUSY,	/* the store's lock was not free within the timeout */
	OMI_READONLY,	/* the data file or directory is not writable */
	OMI_FULL,	/* no space left */
	OMI_CORRUPT,	/* the data file needs recovery */
	OMI_NOMEM,
	OMI_ERROR,	/* a system call failed (I/O, an unexpected errno) */
	OMI_INVALID	/* the input is malformed or out of range */
};

/* A short English phrase for logs and omi-admin's messages. */
const char	*omi_strerror(enum omi_err);

#endif
