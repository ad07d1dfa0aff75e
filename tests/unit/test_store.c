/* Unit tests: store sessions, locking, and journal recovery after a crash. */
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "store/store.h"
#include "unit.h"

static char dir[] = "/tmp/omi-test-store.XXXXXX";

static int
put_commit(const char *key, const char *val)
{
	struct store	*s;
	int		 ok;

	if (store_open(&s, dir, STORE_WRITE, 2000) != OMI_OK)
		return 0;
	ok = store_put(s, key, val, strlen(val)) == OMI_OK &&
	    store_commit(s) == OMI_OK;
	store_close(s);
	return ok;
}

static int
del_commit(const char *key)
{
	struct store	*s;
	int		 ok;

	if (store_open(&s, dir, STORE_WRITE, 2000) != OMI_OK)
		return 0;
	ok = store_del(s, key) == OMI_OK && store_commit(s) == OMI_OK;
	store_close(s);
	return ok;
}

static int
has(const char *key, const char *val)
{
	struct store	*s;
	char		*v = NULL;
	int		 ok;

	if (store_open(&s, dir, STORE_READ, 2000) != OMI_OK)
		return 0;
	ok = store_get(s, key, &v, NULL) == OMI_OK && strcmp(v, val) == 0;
	free(v);
	store_close(s);
	return ok;
}

static int
absent(const char *key)
{
	struct store	*s;
	char		*v = NULL;
	int		 ok;

	if (store_open(&s, dir, STORE_READ, 2000) != OMI_OK)
		return 0;
	ok = store_get(s, key, &v, NULL) == OMI_NOTFOUND;
	free(v);
	store_close(s);
	return ok;
}

static void
path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

/* Turns the journal's last record back to unapplied, as a writer killed
 * before its mark leaves it. */
static int
unapply_last(void)
{
	char	 j[256];
	FILE	*f;
	int	 ok;

	path(j, sizeof(j), "omi.journal");
	if ((f = fopen(j, "r+")) == NULL)
		return 0;
	ok = fseek(f, -1, SEEK_END) == 0 && fputc('0', f) == '0';
	return fclose(f) == 0 && ok;
}

static void
test_sessions(void)
{
	struct store	*s;
	char		*v = NULL;

	/* A reader of a site with nothing stored sees an empty store. */
	CHECK(absent("a"));
	CHECK(put_commit("a", "1"));
	CHECK(has("a", "1"));
	/* A session sees its own queued changes; nothing leaks without commit. */
	CHECK(store_open(&s, dir, STORE_WRITE, 2000) == OMI_OK);
	CHECK(store_put(s, "b", "2", 1) == OMI_OK);
	CHECK(store_get(s, "b", &v, NULL) == OMI_OK && strcmp(v, "2") == 0);
	free(v);
	CHECK(store_del(s, "a") == OMI_OK);
	CHECK(store_get(s, "a", &v, NULL) == OMI_NOTFOUND);
	store_close(s);
	CHECK(absent("b"));
	CHECK(has("a", "1"));
	/* Readers cannot write. */
	CHECK(store_open(&s, dir, STORE_READ, 2000) == OMI_OK);
	CHECK(store_put(s, "c", "3", 1) != OMI_OK);
	store_close(s);
}

static volatile sig_atomic_t usr1_seen;

static void
on_usr1(int sig)
{
	(void)sig;
	usr1_seen = 1;
}

static void
test_lock_timeout(void)
{
	struct sigaction sa, old;
	struct store	*s;
	char		 lock[256];
	int		 p[2], q[2], fd, status;
	pid_t		 pid;
	char		 c;

	path(lock, sizeof(lock), "omi.lock");
	if (pipe(p) == -1)
		return;
	if (pipe(q) == -1) {
		close(p[0]);
		close(p[1]);
		return;
	}
	/* The holder keeps the lock until told to let go (not for a fixed
	 * time a slow run could outlast before both timeouts are seen), then
	 * a moment longer, so that the last open below has to wait. */
	if ((pid = fork()) == 0) {
		close(q[1]);	/* a parent gone is an end of file */
		fd = open(lock, O_RDWR);
		flock(fd, LOCK_EX);
		(void)!write(p[1], "x", 1);
		(void)!read(q[0], &c, 1);
		usleep(100000);
		kill(getppid(), SIGUSR1);
		usleep(400000);
		_exit(0);
	}
	(void)!read(p[0], &c, 1);
	CHECK(store_open(&s, dir, STORE_WRITE, 200) == OMI_BUSY);
	CHECK(store_open(&s, dir, STORE_READ, 200) == OMI_BUSY);
	/* A longer wait outlasts the holder: requests wait, they don't fail,
	 * not even when another signal (the holder's SIGUSR1 here, a FastCGI
	 * manager's SIGTERM in life) interrupts the wait. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, &old);
	(void)!write(q[1], "x", 1);
	CHECK(store_open(&s, dir, STORE_WRITE, 5000) == OMI_OK);
	store_close(s);
	CHECK(usr1_seen);
	sigaction(SIGUSR1, &old, NULL);
	waitpid(pid, &status, 0);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

static void
test_recovery(void)
{
	char	 j[256], db[256];
	FILE	*f;
	int	 fd;

	CHECK(put_commit("k1", "v1"));
	CHECK(put_commit("k2", "v2"));
	path(j, sizeof(j), "omi.journal");
	path(db, sizeof(db), "omi.db");
	/* A writer killed between journal and GDBM: record unapplied, db trashed. */
	CHECK(unapply_last());
	fd = open(db, O_WRONLY | O_TRUNC);
	(void)!write(fd, "garbage, not a gdbm file", 24);
	close(fd);
	CHECK(has("k1", "v1"));
	CHECK(has("k2", "v2"));
	CHECK(absent("b"));
	/* A torn record (killed while writing the journal) is dropped. */
	f = fopen(j, "a");
	fputs("OMJ1\x10\x00\x00", f);
	fclose(f);
	CHECK(put_commit("k3", "v3"));
	CHECK(has("k1", "v1") && has("k3", "v3"));
	/* A torn record whose last byte happens to be 'A' fools no writer. */
	f = fopen(j, "a");
	{
		static const char torn[] = { 'O', 'M', 'J', '1', 0x10, 0, 0, 0,
		    0, 0, 0, 0, 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A',
		    'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A' };
		fwrite(torn, 1, sizeof(torn), f);
	}
	fclose(f);
	CHECK(has("k3", "v3"));		/* readers are unaffected */
	CHECK(put_commit("k4", "v4"));
	CHECK(put_commit("k5", "v5"));
	/* Recovery again, now from the checkpoint snapshot plus journal. */
	CHECK(unapply_last());
	CHECK(has("k1", "v1") && has("k2", "v2") && has("k3", "v3"));
	CHECK(has("k4", "v4") && has("k5", "v5"));
}

static ino_t
db_inode(void)
{
	struct stat	 st;
	char		 db[256];

	path(db, sizeof(db), "omi.db");
	return stat(db, &st) == 0 ? st.st_ino : 0;
}

/* Flips a journal byte (a record's checksum then fails); at < 0 picks the
 * last value's last byte. Returns the offset. */
static off_t
flip_journal(off_t at)
{
	char	 j[256], c;
	int	 fd;

	path(j, sizeof(j), "omi.journal");
	fd = open(j, O_RDWR);
	if (at < 0)
		at = lseek(fd, 0, SEEK_END) - 10;	/* before the trailer */
	(void)!pread(fd, &c, 1, at);
	c ^= 1;
	(void)!pwrite(fd, &c, 1, at);
	close(fd);
	return at;
}

/*
 * omi.sync's good end spares the next writer the hash of the last record
 * when that record's writer finished it, and only then: another generation
 * or another end is verified, and a torn record is rebuilt away.
 */
static void
test_good_mark(void)
{
	unsigned char	 b[32];
	struct stat	 st;
	char		 j[256], m[256];
	ino_t		 ino;
	off_t		 at;
	FILE		*f;
	int		 fd;

	path(j, sizeof(j), "omi.journal");
	path(m, sizeof(m), "omi.sync");
	CHECK(put_commit("g1", "v1"));
	CHECK(put_commit("g2", "v2"));
	fd = open(m, O_RDWR);
	CHECK(pread(fd, b, sizeof(b), 0) == (ssize_t)sizeof(b));
	CHECK(stat(j, &st) == 0 && le_get(b + 24, 8) == (uint64_t)st.st_size);
	CHECK(le_get(b, 8) == le_get(b + 16, 8));
	/* Trusted: a change the mark vouches for is not hashed again. */
	ino = db_inode();
	at = flip_journal(-1);
	CHECK(put_commit("g3", "v3"));
	CHECK(db_inode() == ino && has("g2", "v2"));
	flip_journal(at);		/* g2's record whole again */
	/* The same end in another generation vouches for nothing. */
	CHECK(put_commit("g4", "v4"));
	CHECK(pread(fd, b, sizeof(b), 0) == (ssize_t)sizeof(b));
	le_put(b + 16, le_get(b + 16, 8) + 1, 8);
	CHECK(pwrite(fd, b + 16, 16, 16) == 16);
	flip_journal(-1);
	ino = db_inode();
	CHECK(put_commit("g5", "v5"));
	CHECK(db_inode() != ino && absent("g4") && has("g5", "v5"));
	CHECK(has("g2", "v2") && has("g3", "v3"));
	/* A torn record ending in 'A' behind a good end is caught too. */
	CHECK(put_commit("g6", "v6"));
	f = fopen(j, "a");
	fputs("OMJ1\x01" "AAAAAAAAAAAAAAAAAAAAAAAAAAA", f);
	fclose(f);
	ino = db_inode();
	CHECK(put_commit("g7", "v7"));
	CHECK(db_inode() != ino && has("g6", "v6") && has("g7", "v7"));
	close(fd);
}

/* After a reboot, unsynced GDBM writes may be gone: the boot id tells. */
static void
test_reboot(void)
{
	char	 boot[256], db[256];
	FILE	*f;
	int	 fd;

	CHECK(put_commit("r1", "v1"));
	path(boot, sizeof(boot), "omi.boot");
	path(db, sizeof(db), "omi.db");
	CHECK(access(boot, F_OK) == 0);
	/* Another boot id: the next session rebuilds from snapshot and journal. */
	f = fopen(boot, "w");
	fputs("00000000-0000-0000-0000-000000000000", f);
	fclose(f);
	fd = open(db, O_WRONLY | O_TRUNC);
	(void)!write(fd, "lost in a power cut", 19);
	close(fd);
	CHECK(has("r1", "v1"));
	CHECK(has("k5", "v5"));
	CHECK(put_commit("r2", "v2"));
	CHECK(has("r2", "v2"));
}

static int
sync_mark(unsigned long long *gen, unsigned long long *off)
{
	unsigned char	 b[16];
	char		 p[256];
	int		 fd, ok;

	path(p, sizeof(p), "omi.sync");
	if ((fd = open(p, O_RDONLY)) == -1)
		return 0;
	ok = read(fd, b, sizeof(b)) == (ssize_t)sizeof(b);
	close(fd);
	*gen = le_get(b, 8);
	*off = le_get(b + 8, 8);
	return ok;
}

static long
file_size(const char *name)
{
	char	 p[256];
	FILE	*f;
	long	 n;

	path(p, sizeof(p), name);
	if ((f = fopen(p, "r")) == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

/* omi.sync put in place anew with the same bytes: 1 when done. */
static int
replace_sync(void)
{
	char	 from[256], to[256], b[64];
	FILE	*f, *g;
	size_t	 n;
	int	 ok;

	path(from, sizeof(from), "omi.sync");
	path(to, sizeof(to), "omi.sync.new");
	if ((f = fopen(from, "r")) == NULL)
		return 0;
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	if ((g = fopen(to, "w")) == NULL)
		return 0;
	ok = fwrite(b, 1, n, g) == n;
	ok &= fclose(g) == 0;
	return ok && rename(to, from) == 0;
}

/* Group commit: the sync happens after the lock is released, and the mark
 * says what it covered; emptying the journal starts a new generation. */
static void
test_group_sync(void)
{
	unsigned long long	 gen, off, gen2;
	char			 p[256];
	pid_t			 pid;
	int			 fd, st, waited;

	CHECK(put_commit("g1", "v1"));
	CHECK(sync_mark(&gen, &off) && off == (unsigned long long)
	    file_size("omi.journal"));
	/* A writer waiting for its sync no longer holds the data lock: its
	 * change is visible (not yet acknowledged) and readers go on. */
	path(p, sizeof(p), "omi.sync");
	fd = open(p, O_RDWR);
	CHECK(fd != -1 && flock(fd, LOCK_EX) == 0);
	if ((pid = fork()) == 0) {
		close(fd);	/* the flock belongs to the parent's open */
		_exit(put_commit("g2", "v2") ? 0 : 1);
	}
	for (waited = 0; waited < 500 && !has("g2", "v2"); waited++)
		usleep(20000);	/* a slow run (valgrind) needs more than 0.3 s */
	CHECK(has("g2", "v2"));
	CHECK(waitpid(pid, &st, WNOHANG) == 0);	/* still waiting */
	close(fd);
	waited = waitpid(pid, &st, 0) == pid;
	CHECK(waited && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(sync_mark(&gen2, &off) && gen2 == gen &&
	    off == (unsigned long long)file_size("omi.journal"));
	/* A recovery empties the journal: a new generation, offset 0. */
	CHECK(unapply_last());
	CHECK(has("g2", "v2"));
	CHECK(sync_mark(&gen2, &off) && gen2 == gen + 1 && off == 0 &&
	    file_size("omi.journal") == 0);
	/* omi.sync removed: made anew, and commits go on syncing. */
	path(p, sizeof(p), "omi.sync");
	CHECK(unlink(p) == 0);
	CHECK(put_commit("g3", "v3") && has("g3", "v3"));
	CHECK(sync_mark(&gen2, &off) && gen2 == 0 &&
	    off == (unsigned long long)file_size("omi.journal"));
}

/* A journal append cut short (a full disk, here a file size limit) is cut
 * back; a group sync that saw the partial record in the meantime must not
 * vouch for what the next writer puts in its place. */
static void
test_cut_append(void)
{
	unsigned long long	 gen, off;
	unsigned char		 b[16];
	char			 p[256], *big;
	struct rlimit		 rl;
	long			 size;
	pid_t			 pid;
	int			 fd, st;

	CHECK(put_commit("cut0", "v0"));
	size = file_size("omi.journal");
	CHECK(sync_mark(&gen, &off) && off == (unsigned long long)size);
	/* The sync of a concurrent writer saw 1000 bytes more. */
	le_put(b, gen, 8);
	le_put(b + 8, off + 1000, 8);
	path(p, sizeof(p), "omi.sync");
	fd = open(p, O_WRONLY);
	CHECK(fd != -1 && pwrite(fd, b, sizeof(b), 0) == (ssize_t)sizeof(b));
	close(fd);
	if ((pid = fork()) == 0) {
		if ((big = calloc(1, 65536)) == NULL)
			_exit(2);
		memset(big, 'x', 65535);
		signal(SIGXFSZ, SIG_IGN);
		rl.rlim_cur = rl.rlim_max = (rlim_t)size + 100;
		setrlimit(RLIMIT_FSIZE, &rl);
		st = put_commit("cut1", big);
		free(big);
		_exit(st ? 1 : 0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	CHECK(file_size("omi.journal") == size && !has("cut1", "x"));
	CHECK(sync_mark(&gen, &off) && off <= (unsigned long long)size);
	CHECK(put_commit("cut2", "v2") && has("cut2", "v2"));
	CHECK(sync_mark(&gen, &off) && off ==
	    (unsigned long long)file_size("omi.journal"));
}

/*
 * A commit that fails after its journal record went out (here GDBM's write
 * hits a file size limit) answers with an error, so the rebuild that the
 * next session runs must not apply the record after all. A fresh store:
 * its database has no free blocks a new value could fit in below the limit.
 */
static void
test_abort_apply(void)
{
	char		 fresh[] = "/tmp/omi-test-abrt.XXXXXX", keep[sizeof(dir)];
	char		 j[256], last = 0, *big;
	struct rlimit	 rl;
	size_t		 n = 300000;
	pid_t		 pid;
	FILE		*f;
	int		 st, ok;

	if (mkdtemp(fresh) == NULL || (big = malloc(n + 1)) == NULL)
		return;
	memcpy(keep, dir, sizeof(dir));
	strcpy(dir, fresh);		/* shorter: the helpers use dir */
	memset(big, 'p', n);
	big[n] = '\0';
	CHECK(put_commit("pad", big));
	CHECK(unapply_last() && has("pad", big));   /* rebuilt: journal empty */
	CHECK(file_size("omi.journal") == 0 &&
	    file_size("omi.db") > (long)n);
	big[65536] = '\0';
	if ((pid = fork()) == 0) {
		signal(SIGXFSZ, SIG_IGN);
		rl.rlim_cur = rl.rlim_max = 100000;
		setrlimit(RLIMIT_FSIZE, &rl);
		ok = put_commit("abort", big);
		free(big);	/* valgrind checks the child's leaks too */
		_exit(ok ? 1 : 0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	/* The record went out whole and says it was aborted. */
	CHECK(file_size("omi.journal") > 65536);
	path(j, sizeof(j), "omi.journal");
	if ((f = fopen(j, "r")) != NULL) {
		if (fseek(f, -1, SEEK_END) == 0)
			last = (char)fgetc(f);
		fclose(f);
	}
	CHECK(last == 'X');
	CHECK(absent("abort"));
	big[65536] = 'p';
	CHECK(has("pad", big));
	CHECK(put_commit("after", "v") && has("after", "v") &&
	    absent("abort"));
	unit_rmtree(dir);
	memcpy(dir, keep, sizeof(dir));
	free(big);
}

/* A journal that outgrows a quarter of the database (and 8 MB) is
 * checkpointed: its records go into omi.snap, the journal starts again in
 * a new generation, and recovery from there loses nothing. */
static void
test_checkpoint(void)
{
	unsigned long long	 gen, gen2, off;
	size_t			 n = 1u << 20;
	char			*big, last = 0;
	int			 i, ok = 1;

	CHECK(put_commit("c0", "v0"));
	CHECK(sync_mark(&gen, &off));
	if ((big = malloc(n + 1)) == NULL)
		return;
	memset(big, 'x', n);
	big[n] = '\0';
	for (i = 0; i < 12; i++) {
		big[0] = last = (char)('a' + i);
		ok &= put_commit("big", big);
	}
	CHECK(ok);
	CHECK(sync_mark(&gen2, &off) && gen2 > gen);
	CHECK(file_size("omi.journal") < 12 * (long)n);
	CHECK(file_size("omi.snap") > (long)n);
	CHECK(unapply_last());
	big[0] = last;
	CHECK(has("big", big) && has("c0", "v0") && has("g3", "v3"));
	free(big);
}

#ifdef OMI_TEST_HOOKS
/* Commits 1 MB values in a child until a checkpoint starts a new generation;
 * env (NAME=VALUE) is set in the child. Returns the child's pid. */
static pid_t
checkpoint_child(const char *env)
{
	unsigned long long	 gen, gen2, off;
	char			*big;
	size_t			 n = 1u << 20;
	pid_t			 pid;
	int			 i;

	if ((pid = fork()) != 0)
		return pid;
	putenv((char *)env);
	if ((big = malloc(n + 1)) == NULL || !sync_mark(&gen, &off))
		_exit(2);
	memset(big, 'y', n);
	big[n] = '\0';
	for (i = 0; i < 40; i++) {
		big[0] = (char)('a' + i % 26);
		if (!put_commit("big2", big))
			_exit(3);
		if (sync_mark(&gen2, &off) && gen2 != gen)
			_exit(big[0] == 'a' + i % 26 ? 0 : 4);
	}
	_exit(5);
}

/* Waits up to 30 s for a file; 1 when it came. */
static int
wait_file(const char *p)
{
	int i;

	for (i = 0; i < 3000 && access(p, F_OK) == -1; i++)
		usleep(10000);
	return access(p, F_OK) == 0;
}

/*
 * A checkpoint flushes the database with no lock held, then rolls the
 * snapshot forward under the lock: commits made meanwhile succeed, and
 * leave the checkpoint to the process that claimed it (they find it due
 * too, but omi.ckpt is taken: no second checkpoint, no wait for the
 * first), and the snapshot has them (recovery from it does).
 */
static void
test_checkpoint_between(void)
{
	unsigned long long	 gen, gen2, off;
	char			 pause[] = "/tmp/omi-test-pause.XXXXXX";
	char			 env[64], p[512];
	pid_t			 pid;
	int			 st = -1;

	if (mkdtemp(pause) == NULL)
		return;
	CHECK(sync_mark(&gen, &off));
	snprintf(env, sizeof(env), "OMI_TEST_PAUSE=%s", pause);
	pid = checkpoint_child(env);
	snprintf(p, sizeof(p), "%s/checkpoint.paused", pause);
	CHECK(wait_file(p));
	/* Before the roll: the lock is free, the checkpoint is the child's. */
	CHECK(put_commit("between1", "b1"));
	CHECK(put_commit("between2", "b2"));
	CHECK(sync_mark(&gen2, &off) && gen2 == gen);
	CHECK(file_size("omi.journal") > 8L << 20);
	snprintf(p, sizeof(p), "%s/checkpoint.go", pause);
	close(open(p, O_WRONLY | O_CREAT, 0600));
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(sync_mark(&gen2, &off) && gen2 > gen);
	CHECK(file_size("omi.roll") == -1);
	/* The child's checkpoint took every record, the ones between too. */
	CHECK(file_size("omi.journal") == 0);
	CHECK(has("between1", "b1") && has("between2", "b2"));
	/* Recovery from the rolled snapshot plus one more record. */
	CHECK(put_commit("after", "a"));
	CHECK(unapply_last());
	CHECK(has("between1", "b1") && has("between2", "b2") &&
	    has("c0", "v0") && has("after", "a"));
	snprintf(p, sizeof(p), "rm -rf '%s'", pause);
	CHECK(system(p) == 0);
}

/*
 * Killed while rolling the snapshot forward (point: half-way through the
 * records, the same with the snapshot scribbled on, or after the journal
 * was emptied): omi.roll is left, and the next session, a reader here,
 * makes the snapshot again from the database, which was synced and
 * whole. Nothing is lost, and recovery from that snapshot works.
 */
static void
test_checkpoint_crash(void)
{
	static const char *const points[] = {
		"HTTP_X_OMI_TEST_CRASH=checkpoint-roll",
		"HTTP_X_OMI_TEST_CRASH=checkpoint-roll-torn",
		"HTTP_X_OMI_TEST_CRASH=checkpoint-snap",
	};
	char	 k[16];
	pid_t	 pid;
	size_t	 i;
	int	 st = -1;

	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		snprintf(k, sizeof(k), "before%zu", i);
		CHECK(put_commit(k, "b"));
		pid = checkpoint_child(points[i]);
		waitpid(pid, &st, 0);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		CHECK(file_size("omi.roll") == 0);
		CHECK(has(k, "b") && has("between1", "b1"));
		CHECK(file_size("omi.roll") == -1);
		CHECK(file_size("omi.journal") == 0);
		CHECK(file_size("omi.snap") == file_size("omi.db"));
		CHECK(put_commit("after", k));
		CHECK(unapply_last());
		CHECK(has(k, "b") && has("between1", "b1") &&
		    has("c0", "v0") && has("after", k));
	}
}
#endif

/*
 * Moves the GDBM file's hash directory to the very end of the file, as
 * GDBM 1.23 itself sometimes leaves it (a copy at the end, the header
 * pointing there): a sound file that GDBM 1.23 then refuses to open.
 */
static int
dir_to_eof(void)
{
	unsigned char	 h[40], *d;
	char		 p[256];
	struct stat	 st;
	uint64_t	 at, end;
	uint32_t	 dsize;
	int		 fd, ok = 0;

	path(p, sizeof(p), "omi.db");
	if ((fd = open(p, O_RDWR)) == -1)
		return 0;
	if (fstat(fd, &st) == 0 && pread(fd, h, 40, 0) == 40) {
		memcpy(&at, h + 8, 8);
		memcpy(&dsize, h + 16, 4);
		end = (uint64_t)st.st_size;
		if ((d = malloc(dsize)) != NULL &&
		    pread(fd, d, dsize, (off_t)at) == (ssize_t)dsize &&
		    pwrite(fd, d, dsize, (off_t)end) == (ssize_t)dsize) {
			memcpy(h + 8, &end, 8);
			end += dsize;
			memcpy(h + 32, &end, 8);
			ok = pwrite(fd, h, 40, 0) == 40;
		}
		free(d);
	}
	close(fd);
	return ok;
}

/* A database whose directory ends at the end of the file still opens (it
 * is mended once), for readers and writers, with nothing lost. */
static void
test_dir_at_eof(void)
{
	CHECK(put_commit("eof1", "x"));
	CHECK(dir_to_eof());
	CHECK(has("eof1", "x") && has("c0", "v0"));
	CHECK(put_commit("eof2", "y") && has("eof2", "y"));
	CHECK(dir_to_eof());
	CHECK(put_commit("eof3", "z"));
	CHECK(has("eof1", "x") && has("eof2", "y") && has("eof3", "z"));
}

/*
 * A record rewritten a little larger each time (as index pages are) reuses
 * the space it freed: writers have GDBM merge neighbouring free blocks.
 */
static void
test_free_space_reuse(void)
{
	char	*v;
	long	 before, grew;
	size_t	 n;
	int	 i, ok = 1;

	if ((v = malloc(40000)) == NULL)
		return;
	memset(v, 'g', 40000);
	before = file_size("omi.db");
	for (i = 0; i < 150; i++) {
		n = 10000 + (size_t)i * 200;
		v[n] = '\0';
		ok &= put_commit("grow", v);
		v[n] = 'g';
		ok &= put_commit("other", i % 2 ? "a" : "bb");
	}
	grew = file_size("omi.db") - before;
	CHECK(ok);
	/* Without merging each new size finds no free block: 150 x 25 KB. */
	printf("test_free_space_reuse: the file grew %ld bytes\n", grew);
	CHECK(grew < 1L << 20);
	free(v);
}

/* Free bytes on the file system holding the store. */
static unsigned long long
free_bytes(void)
{
	struct statvfs	 v;

	return statvfs(dir, &v) == 0 ?
	    (unsigned long long)v.f_bavail * v.f_frsize : 0;
}

/*
 * A checkpoint with no room for what it writes (the journal's records, into
 * the snapshot) waits for a later commit instead of trying (and failing
 * after writing all the free space) on every commit; once there is room it
 * runs. On a 64 MB tmpfs, which
 * needs root: skipped without.
 */
static void
test_checkpoint_space(void)
{
	char			 fresh[] = "/tmp/omi-test-ckpt.XXXXXX";
	char			 logpath[] = "/tmp/omi-test-ckpt-log.XXXXXX";
	char			 keep[sizeof(dir)], key[16], p[256], buf[65536];
	char			*val, *log = NULL;
	struct store		*s;
	unsigned long long	 target;
	long			 db, jsize;
	int			 i, ok = 1, err_fd, log_fd, fill;
	size_t			 n = 65536;

	if (mkdtemp(fresh) == NULL)
		return;
	if (mount("tmpfs", fresh, "tmpfs", 0, "size=64m,mode=0700") == -1) {
		printf("test_checkpoint_space: skipped (mounting a tmpfs "
		    "needs root)\n");
		rmdir(fresh);
		return;
	}
	memcpy(keep, dir, sizeof(dir));
	strcpy(dir, fresh);		/* same length: the helpers use dir */
	if ((val = malloc(n + 1)) == NULL)
		goto out;
	memset(val, 'v', n);
	val[n] = '\0';
	/* 120 values of 64 KB in one record: about 7.7 MB in the database
	 * and in the journal, just under a checkpoint's 8 MB. */
	CHECK(store_open(&s, dir, STORE_WRITE, 2000) == OMI_OK);
	for (i = 0; i < 120; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ok &= store_put(s, key, val, n) == OMI_OK;
	}
	CHECK(ok && store_commit(s) == OMI_OK);
	store_close(s);
	db = file_size("omi.db");
	CHECK(db > 7000000 && file_size("omi.journal") < 8 << 20);
	/* Leave room for commits (1 MB, an eighth of the database, twice a
	 * record) but not for a checkpoint (the journal, over 8 MB). */
	target = (1u << 20) + (unsigned long long)db / 8 + 4 * n + (1u << 20);
	CHECK(target + (2u << 20) < (unsigned long long)db);
	path(p, sizeof(p), "filler");
	memset(buf, 0, sizeof(buf));
	if ((fill = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		goto out;
	while (free_bytes() > target + sizeof(buf) &&
	    write(fill, buf, sizeof(buf)) == (ssize_t)sizeof(buf))
		continue;
	close(fill);
	/* Rewrites grow the journal past the database: a checkpoint is due,
	 * with no room for it. What the store logs goes to a file (not on
	 * the full tmpfs). */
	fflush(stderr);
	err_fd = dup(STDERR_FILENO);
	log_fd = mkstemp(logpath);
	if (log_fd != -1)
		unlink(logpath);
	if (err_fd == -1 || log_fd == -1 || dup2(log_fd, STDERR_FILENO) == -1)
		goto out;
	for (i = 0, ok = 1; i < 40 && ok; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		val[0] = (char)('a' + i % 26);
		ok = put_commit(key, val);
		free(log);
		if ((log = malloc(8192)) != NULL) {
			ssize_t r = pread(log_fd, log, 8191, 0);
			log[r > 0 ? r : 0] = '\0';
			if (strstr(log, "checkpoint") != NULL)
				break;
		}
	}
	fflush(stderr);
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	close(log_fd);
	CHECK(ok);
	CHECK(log != NULL && strstr(log, "checkpoint postponed") != NULL);
	CHECK(log != NULL && strstr(log, "checkpoint failed") == NULL);
	CHECK(file_size("omi.snap.tmp") == -1 &&
	    file_size("omi.journal") >= 8 << 20);
	/* Nor for a compaction: refused before it writes anything. */
	jsize = file_size("omi.journal");
	CHECK(store_compact(dir, 2000) == OMI_FULL);
	CHECK(file_size("omi.snap.tmp") == -1 &&
	    file_size("omi.db.compact") == -1 &&
	    file_size("omi.journal") == jsize);
	/* Room again: the next commit checkpoints. */
	path(p, sizeof(p), "filler");
	CHECK(unlink(p) == 0);
	CHECK(put_commit("after", "v") && has("after", "v"));
	CHECK(file_size("omi.journal") < 1 << 20 &&
	    file_size("omi.snap") >= db);
	CHECK(store_compact(dir, 2000) == OMI_OK);
	CHECK(file_size("omi.journal") == 0 && has("after", "v") &&
	    file_size("omi.snap") == file_size("omi.db"));
out:
	free(log);
	free(val);
	memcpy(dir, keep, sizeof(dir));
	if (umount(fresh) == 0)
		rmdir(fresh);
}

/* How many files of the data directory hold word. */
#ifdef OMI_TEST_HOOKS
/*
 * A compaction killed between installing the new snapshot and the new
 * database: the old database and the old journal stay, with the snapshot
 * holding what they hold, so nothing is lost, the next session (even one
 * that must recover) sees everything, and a compaction run again finishes.
 */
static void
test_compact_crash(void)
{
	pid_t	 pid;
	int	 st = -1;

	CHECK(put_commit("cc1", "one") && put_commit("cc2", "two"));
	if ((pid = fork()) == 0) {
		putenv((char *)"HTTP_X_OMI_TEST_CRASH=compact-snap");
		_exit(store_compact(dir, 2000) == OMI_OK ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK(file_size("omi.snap.tmp") == -1);		/* renamed */
	CHECK(file_size("omi.db.compact") > 0);		/* not yet */
	CHECK(file_size("omi.journal") > 0);
	CHECK(has("cc1", "one") && has("cc2", "two"));
	CHECK(unapply_last());				/* a recovery */
	CHECK(has("cc1", "one") && has("cc2", "two"));
	CHECK(store_compact(dir, 2000) == OMI_OK);
	CHECK(file_size("omi.db.compact") == -1 &&
	    file_size("omi.journal") == 0);
	CHECK(has("cc1", "one") && has("cc2", "two"));
	CHECK(put_commit("cc3", "three") && has("cc3", "three"));
}
#endif

static int
files_with(const char *word)
{
	static const char *const names[] = { "omi.db", "omi.journal",
	    "omi.snap", "omi.sync", "omi.lock", "omi.boot", NULL };
	struct buf	 b = { 0 };
	char		 p[300];
	size_t		 i, n = strlen(word), k;
	int		 found = 0;

	for (i = 0; names[i] != NULL; i++) {
		path(p, sizeof(p), names[i]);
		b.len = 0;
		if (buf_read_file(&b, p) == -1)
			continue;
		for (k = 0; k + n <= b.len; k++)
			if (memcmp(b.data + k, word, n) == 0) {
				found++;
				break;
			}
	}
	buf_free(&b);
	return found;
}

/*
 * A deleted value, or one replaced by a value of another size, leaves no
 * byte in omi.db once its commit returns (GDBM would keep it in its free
 * space); the journal and the snapshot keep it until a compaction, after
 * which no file of the data directory has it.
 */
static void
test_scrub(void)
{
	static const char *const words[] = { "ReplacedWordZq1",
	    "DeletedWordZq2", "SameSizeWordZq3" };
	static const char *const keys[] = { "k-replaced", "k-deleted",
	    "k-same" };
	char	 big[4000], other[3000];
	size_t	 i;

	memset(other, 'n', sizeof(other) - 1);
	other[sizeof(other) - 1] = '\0';
	for (i = 0; i < 3; i++) {
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memcpy(big + 1000, words[i], strlen(words[i]));
		CHECK(put_commit(keys[i], big));
		CHECK(put_commit("neighbour", other));	/* not at the end */
	}
	CHECK(store_compact(dir, 2000) == OMI_OK);
	CHECK(files_with(words[0]) == 2);	/* omi.db, omi.snap */
	CHECK(put_commit(keys[0], "short"));
	CHECK(files_with(words[0]) == 1);	/* omi.snap */
	CHECK(has(keys[0], "short"));
	CHECK(del_commit(keys[1]));
	CHECK(files_with(words[1]) == 1);
	CHECK(absent(keys[1]));
	memset(big + 1000, 'y', strlen(words[2]));
	CHECK(put_commit(keys[2], big));
	CHECK(files_with(words[2]) == 1);
	CHECK(store_compact(dir, 2000) == OMI_OK);
	for (i = 0; i < 3; i++)
		CHECK(files_with(words[i]) == 0);
	CHECK(has(keys[0], "short") && has(keys[2], big) && absent(keys[1]));
}

/*
 * A symbolic link planted in the data directory under the name of a file
 * the store writes (pointing to an existing file, or to a path that does
 * not exist) is refused or replaced, never written through: the file it
 * points to stays as it was, and the path it names is not created. The
 * store answers with an error where it cannot do without the file, and
 * works where it can; once the link is gone it works again.
 */
static void
test_symlinks(void)
{
	static const struct {
		const char	*name;
		int		 commit, compact;	/* work despite the link */
	} rows[] = {
		{ "omi.lock", 0, 0 },
		{ "omi.journal", 0, 0 },
		{ "omi.db", 0, 0 },
		{ "omi.sync", 1, 0 },		/* only group commit needs it */
		{ "omi.snap.tmp", 1, 0 },	/* compactions wait */
		{ "omi.roll", 1, 1 },		/* a roll cut short: redone */
		{ "omi.db.compact", 1, 1 },	/* temporary: made anew */
		{ "omi.db.rebuild", 1, 1 },
		{ ".omi.boot", 1, 1 },
	};
	char		 victim[] = "/tmp/omi-test-victim.XXXXXX", nowhere[300];
	char		 p[300], aside[320], buf[64], val[64];
	const char	*target;
	size_t		 i, v;
	ssize_t		 n;
	int		 fd, had, ok, w, c;

	CHECK((fd = mkstemp(victim)) != -1 && write(fd, "victim\n", 7) == 7);
	close(fd);
	snprintf(nowhere, sizeof(nowhere), "%s.created", victim);
	CHECK(put_commit("a", "1"));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (v = 0; v < 2; v++) {
			target = v == 0 ? victim : nowhere;
			path(p, sizeof(p), rows[i].name);
			snprintf(aside, sizeof(aside), "%s.aside", p);
			had = rename(p, aside) == 0;
			if (strcmp(rows[i].name, ".omi.boot") == 0) {
				path(buf, sizeof(buf), "omi.boot");
				(void)unlink(buf);	/* to be recorded */
			}
			if (strcmp(rows[i].name, "omi.db.rebuild") == 0)
				CHECK(unapply_last());	/* to be recovered */
			ok = symlink(target, p) == 0;
			snprintf(val, sizeof(val), "%s-%zu", rows[i].name, v);
			w = put_commit("sym", val);
			c = store_compact(dir, 2000) == OMI_OK;
			ok &= w == rows[i].commit && c == rows[i].compact;
			if (w)
				ok &= has("sym", val) && has("a", "1");
			n = -1;
			if ((fd = open(victim, O_RDONLY)) != -1) {
				n = read(fd, buf, sizeof(buf));
				close(fd);
			}
			ok &= n == 7 && memcmp(buf, "victim\n", 7) == 0;
			ok &= access(nowhere, F_OK) == -1;
			(void)unlink(nowhere);
			(void)unlink(p);
			if (had)
				ok &= rename(aside, p) == 0;
			ok &= put_commit("sym", "after") && has("sym", "after") &&
			    has("a", "1");
			if (!ok)
				fprintf(stderr, "test_symlinks: %s -> %s: commit "
				    "%d, compact %d\n", rows[i].name, target, w,
				    c);
			CHECK(ok);
		}
	unlink(victim);
}


/* Commits 1 MB values until a checkpoint empties the journal; 1 when one did. */
static int
until_checkpoint(void)
{
	unsigned long long	 gen, gen2, off;
	size_t			 n = 1u << 20;
	char			*big;
	int			 i, ok = 0;

	if (!sync_mark(&gen, &off) || (big = malloc(n + 1)) == NULL)
		return 0;
	memset(big, 'z', n);
	big[n] = '\0';
	for (i = 0; i < 40 && !ok; i++) {
		big[0] = (char)('a' + i % 26);
		if (!put_commit("bigk", big))
			break;
		ok = sync_mark(&gen2, &off) && gen2 != gen;
	}
	free(big);
	return ok && file_size("omi.journal") == 0;
}

/*
 * FastCGI readers keep their database open (store/keep.c): a kept one
 * serves the next reader while nothing changed the data, and never once
 * something did: a commit, a checkpoint that empties the journal followed
 * by a commit that brings it back to the same size, a compaction that puts
 * a new file in place, a recovery. A reader opened while the kept one is in
 * use opens its own, and a forked child does not use its parent's.
 */
static void
test_keep(void)
{
	struct store	*a, *b;
	char		*v = NULL, *w = NULL;
	long		 jsize;
	pid_t		 pid;
	int		 st = -1;

	store_keep_readers();
	CHECK(put_commit("k", "v1"));
	CHECK(has("k", "v1") && store_kept() == 1);
	CHECK(has("k", "v1") && absent("nope") && store_kept() == 3);
	CHECK(put_commit("k", "v2"));
	CHECK(has("k", "v2") && store_kept() == 1);
	CHECK(del_commit("k"));
	CHECK(absent("k") && store_kept() == 1);

	CHECK(store_open(&a, dir, STORE_READ, 2000) == OMI_OK);
	CHECK(store_open(&b, dir, STORE_READ, 2000) == OMI_OK);
	CHECK(store_get(a, "bigk", &v, NULL) == OMI_NOTFOUND &&
	    store_get(b, "k", &w, NULL) == OMI_NOTFOUND);
	store_close(b);
	store_close(a);
	CHECK(store_kept() == 2);

	/* The journal emptied by a checkpoint and grown again to the size
	 * it had when the reader kept its database. */
	CHECK(until_checkpoint());
	CHECK(put_commit("x", "A"));
	jsize = file_size("omi.journal");
	CHECK(has("x", "A") && store_kept() == 1);
	CHECK(until_checkpoint());
	CHECK(put_commit("x", "B"));
	CHECK(file_size("omi.journal") == jsize);
	CHECK(has("x", "B") && !has("x", "A"));

	CHECK(put_commit("c", "before"));
	CHECK(has("c", "before"));
	CHECK(store_compact(dir, 2000) == OMI_OK);
	CHECK(put_commit("c", "after"));
	CHECK(has("c", "after") && has("x", "B"));

	/* A writer died before marking its record: the next reader repairs. */
	CHECK(has("c", "after"));
	CHECK(put_commit("r", "redo") && unapply_last());
	CHECK(has("r", "redo") && has("c", "after"));

	/* A new omi.sync: the kept descriptor still reads the old file. */
	CHECK(has("c", "after") && has("c", "after") && store_kept() >= 2);
	CHECK(replace_sync());
	CHECK(has("c", "after") && store_kept() == 1);

	CHECK(has("c", "after") && store_kept() > 0);
	if ((pid = fork()) == 0)
		_exit(store_kept() == 0 && has("c", "after") ? 0 : 1);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	CHECK(has("c", "after"));

	store_forget();
	CHECK(store_kept() == 0);
	CHECK(has("c", "after"));
}

static void
run_all(void)
{
	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	test_sessions();
	test_lock_timeout();
	test_recovery();
	test_good_mark();
	test_reboot();
	test_group_sync();
	test_cut_append();
	test_abort_apply();
	test_checkpoint();
	test_dir_at_eof();
	test_free_space_reuse();
#ifdef OMI_TEST_HOOKS
	test_checkpoint_between();
	test_checkpoint_crash();
	test_compact_crash();
#endif
	test_checkpoint_space();
	test_scrub();
	test_symlinks();
	unit_rmtree(dir);
}

int
main(void)
{
	run_all();
	strcpy(dir, "/tmp/omi-test-store.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	test_keep();
	unit_rmtree(dir);
	/* Everything again with readers that keep their database, as under
	 * FastCGI: each reader must see what it saw without. */
	strcpy(dir, "/tmp/omi-test-store.XXXXXX");
	run_all();
	return unit_done("test_store");
}
