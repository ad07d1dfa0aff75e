/*
 * disk: the store's file-level primitives, below both the session code
 * (store.c) and the journal (journal.c), which share them: paths in the data
 * directory, errno and GDBM errors mapped to enum omi_err, opening a GDBM
 * file safely (no symbolic links; mending what GDBM 1.23 refuses), scrubbing
 * a value before GDBM frees it, closing without GDBM's fsync, free space, and
 * the test build's crash and pause points. Internal to store/.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdbm.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "store/disk.h"

/*
 * Crash points for the reliability tests, compiled only into the test
 * (sanitizer) build: a request header X-Omi-Test-Crash names the point at
 * which the writer kills itself with SIGKILL, as a host's limits would.
 */
#ifdef OMI_TEST_HOOKS
void
disk_crash_point(const char *where, const char *dbpath)
{
	const char	*w = getenv("HTTP_X_OMI_TEST_CRASH");
	int		 fd;

	if (w == NULL || strcmp(w, where) != 0)
		return;
	if (strstr(where, "-torn") != NULL && dbpath != NULL &&
	    (fd = open(dbpath, O_WRONLY | O_CLOEXEC)) != -1) {
		/* Simulate a half-written GDBM update: scribble on the file. */
		(void)!pwrite(fd, "torn torn torn torn torn torn torn ", 35, 0);
		close(fd);
	}
	raise(SIGKILL);
}

/*
 * A pause for the unit tests, which need another process to act between
 * two steps: with OMI_TEST_PAUSE=DIR, a process at point P creates
 * DIR/P.paused and waits (up to 30 s) for DIR/P.go.
 */
void
disk_pause_point(const char *where)
{
	const char	*d = getenv("OMI_TEST_PAUSE");
	char		 p[512];
	int		 fd, i;

	if (d == NULL)
		return;
	snprintf(p, sizeof(p), "%s/%s.paused", d, where);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) != -1)
		close(fd);
	snprintf(p, sizeof(p), "%s/%s.go", d, where);
	for (i = 0; i < 3000 && access(p, F_OK) == -1; i++)
		usleep(10000);
}
#endif

char *
disk_path(const char *dir, const char *name)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s/%s", dir, name);
	return buf_take(&b);
}

int
disk_open_rw(const char *dir, const char *name)
{
	char	*path;
	int	 fd;

	if ((path = disk_path(dir, name)) == NULL)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	free(path);
	return fd;
}

enum omi_err
disk_errno(int e)
{
	switch (e) {
	case EACCES: case EPERM: case EROFS:
		return OMI_READONLY;
	case ENOSPC: case EDQUOT:
		return OMI_FULL;
	case ENOMEM:
		return OMI_NOMEM;
	default:
		return OMI_ERROR;
	}
}

enum omi_err
disk_gdbm_error(const char *what)
{
	int ge = gdbm_errno, e = errno;

	log_msg("store: %s: %s (errno %d: %s)", what, gdbm_strerror(ge), e,
	    strerror(e));
	if (ge == GDBM_NEED_RECOVERY || ge == GDBM_BAD_FILE_OFFSET ||
	    ge == GDBM_BAD_MAGIC_NUMBER || ge == GDBM_BAD_HEADER ||
	    ge == GDBM_BAD_BUCKET || ge == GDBM_BAD_DIR_ENTRY ||
	    ge == GDBM_BAD_HASH_TABLE)
		return OMI_CORRUPT;
	if (ge == GDBM_MALLOC_ERROR)
		return OMI_NOMEM;
	return disk_errno(e);
}

/*
 * gdbm_close() fsyncs a writer's file, and nothing in GDBM's API skips it.
 * That sync is a wasted disk wait under the lock when the journal is the
 * durable copy, so before closing, the descriptor is pointed at an empty
 * memory file (whose fsync is free): every GDBM write has reached the real
 * file by then, since gdbm_store() and gdbm_delete() write through before
 * they return. Falls back to a plain close when no memory file can be made.
 */
void
disk_gdbm_close_unsynced(GDBM_FILE db)
{
	static int	 nosync = -1;

	if (nosync == -1)
		nosync = memfd_create("omi-gdbm-close", MFD_CLOEXEC);
	if (nosync != -1)
		(void)dup2(nosync, gdbm_fdesc(db));
	gdbm_close(db);
}

/*
 * GDBM 1.23 (Debian 12's) refuses to open a database whose hash directory
 * ends exactly at the end of the file: its header check wants dir +
 * dir_size < file size, "Malformed database file header". Yet it writes
 * such files itself, when a growing directory goes to the end of the file
 * and the next allocations come from free space inside it; every later
 * open, and so every request, then fails. Seen under the bench's webhook
 * load. The file is sound: one block more at its end, with the header's
 * next free block after it, satisfies the check (GDBM never uses that
 * block; later files grow past it). The header fields are GDBM's standard
 * layout in native byte order, as the magic number confirms. Writing
 * next_block first keeps an interrupted fix fixable: a next_block past the
 * end of the file is one GDBM accepts.
 */
static int
gdbm_dir_fix(const char *path)
{
	unsigned char	 h[40];
	struct stat	 st;
	uint64_t	 dir, next, end;
	uint32_t	 magic, bsize, dsize;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || pread(fd, h, sizeof(h), 0) !=
	    (ssize_t)sizeof(h))
		goto out;
	memcpy(&magic, h, 4);
	memcpy(&bsize, h + 4, 4);
	memcpy(&dir, h + 8, 8);
	memcpy(&dsize, h + 16, 4);
	memcpy(&next, h + 32, 8);
	end = (uint64_t)st.st_size;
	if (magic != 0x13579acf || bsize < 512 || bsize > (1u << 20) ||
	    dir + dsize != end || next < end)
		goto out;
	next = end + bsize;
	if (pwrite(fd, &next, 8, 32) == 8 && ftruncate(fd, (off_t)next) == 0 &&
	    fsync(fd) == 0) {
		log_msg("store: %s: moved the end of the file past GDBM's "
		    "directory (GDBM 1.23 refuses a directory at the very "
		    "end)", path);
		rc = 0;
	}
out:
	close(fd);
	return rc;
}

/*
 * gdbm_open() on a descriptor opened here with O_NOFOLLOW: a symbolic link
 * planted in the data directory under a database's name is refused (ELOOP)
 * instead of having GDBM create, truncate or write the file it points to.
 */
static GDBM_FILE
gdbm_open_nofollow(const char *path, int flags)
{
	int	 fd, e;

	fd = open(path, ((flags & GDBM_OPENMASK) == GDBM_READER ? O_RDONLY :
	    O_RDWR | O_CREAT) | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		e = errno;
		gdbm_errno = GDBM_FILE_OPEN_ERROR;
		errno = e;
		return NULL;
	}
	return gdbm_fd_open(fd, path, 0, flags | GDBM_CLOERROR, NULL);
}

GDBM_FILE
disk_gdbm_open(const char *path, int flags)
{
	GDBM_FILE	 db;
	int		 on = 1;

	db = gdbm_open_nofollow(path, flags);
	if (db == NULL && gdbm_errno == GDBM_BAD_HEADER &&
	    gdbm_dir_fix(path) == 0)
		db = gdbm_open_nofollow(path, flags);
	/*
	 * Index pages and heads are rewritten a little larger each time, and
	 * GDBM does not merge neighbouring free blocks unless asked: without
	 * it the bench's file grew to 290 MB in a webhook run, with it 221 MB
	 * (the same deliveries, about 185 MB of data).
	 */
	if (db != NULL && (flags & GDBM_OPENMASK) != GDBM_READER)
		(void)gdbm_setopt(db, GDBM_SETCOALESCEBLKS, &on, sizeof(on));
	return db;
}

/*
 * GDBM leaves a deleted value, and a replaced one of another size, in its
 * free space, where the bytes stay readable until that space is reused (a
 * transcript in the file long after its owner deleted it). A value replaced
 * by one of the same size is overwritten in place (GDBM reuses the record's
 * block), so before a key is deleted or given a value of another size, its
 * stored value is overwritten with zeros of its own size: what GDBM frees
 * then holds nothing. One more read and write of the old value per change,
 * from the page cache.
 */
int
disk_gdbm_scrub(GDBM_FILE db, datum k, const char *newval, size_t newlen)
{
	datum	 old, z;
	int	 rc = 0;

	old = gdbm_fetch(db, k);
	if (old.dptr == NULL)
		return gdbm_errno == GDBM_ITEM_NOT_FOUND ? 0 : -1;
	if (newval == NULL || (size_t)old.dsize != newlen) {
		memset(old.dptr, 0, (size_t)old.dsize);
		z.dptr = old.dptr;
		z.dsize = old.dsize;
		rc = gdbm_store(db, k, z, GDBM_REPLACE);
	}
	free(old.dptr);
	return rc;
}

enum omi_err
disk_gdbm_apply(GDBM_FILE db, datum k, const char *val, size_t len,
    const char *what)
{
	datum	 v;

	if (disk_gdbm_scrub(db, k, val, len) != 0)
		return disk_gdbm_error(what);
	if (val != NULL) {
		v.dptr = (char *)val;
		v.dsize = (int)len;
		if (gdbm_store(db, k, v, GDBM_REPLACE) != 0)
			return disk_gdbm_error(what);
	} else if (gdbm_delete(db, k) != 0 &&
	    gdbm_errno != GDBM_ITEM_NOT_FOUND)
		return disk_gdbm_error(what);
	return OMI_OK;
}

int
disk_free_bytes(int fd, uint64_t *avail)
{
	struct statvfs vfs;

	if (fstatvfs(fd, &vfs) == -1)
		return -1;
	*avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	return 0;
}

