/*
 * The OnceOnly lease protocol: one key, three workers running the runFn flow
 * (client/RunFnFlow.java with client/LeaseKeeper.java and client/Heartbeats.java), a
 * heartbeat for each worker's lease, the store's lease operations transcribed from the
 * three stores, three fault modes on every store call, crashes and a moving clock.
 *
 * Checked by LeaseProtocolModelTests (onceonly-spring-boot-autoconfigure) in every
 * build; docs/guarantees.md ("The lease protocol model") explains what it proves.
 * By hand, in a scratch directory:
 *   spin -a lease.pml
 *   gcc -O2 -DSAFETY -DNOCLAIM -o pan pan.c && ./pan                  (safety: the asserts)
 *   gcc -O2 -DNFAIR=3 -o pan pan.c && ./pan -a -f -N returns          (liveness L1)
 *   ./pan -a -f -N crash_frees                                         (liveness L2)
 * Variants, each of which must produce a counterexample (a second run of the work):
 *   spin -DOLD_FLOW -DF=1 -DMAXCRASH=0 -a lease.pml          (issue 14, item 1)
 *   spin -DSLOW_HEARTBEAT -DF=0 -DMAXCRASH=0 -a lease.pml    (item 3)
 *   spin -DNO_HEARTBEAT -DF=0 -DMAXCRASH=0 -a lease.pml      (item 4)
 *   spin -DPAUSE -DF=0 -DMAXCRASH=0 -a lease.pml             (a pause longer than the ttl)
 * and spin -t [the same -D...] lease.pml replays the counterexample as a story (the
 * printf lines); add -p for every step.
 *
 * Not modelled: the wait deadline (a waiter's timeout result; without it L1 is
 * stronger), LeaseKeeper.record's cap of one ttl on retries (retries here go on while
 * the lease is held), the unserialisable-result path (it records with fail through the
 * same fenced operation as complete), H2's acquire as several statements, same-JVM
 * wake-ups (KeySignals: only a faster poll), and the operator's unfenced deleteLease.
 *
 * Time. Every timer is a countdown (or an age) that saturates, so the clock can tick
 * forever in a finite state space: rem is the store's expires_at - now (0: expired),
 * age[w] is now - the time of the worker's last confirmed acquire or extend (capped at
 * TTL), sinceBeat[w] the time since its last heartbeat (capped at PERIOD). One clock
 * tick is one heartbeat period. Store operations take no
 * time: they are atomic on the store, as every store makes them (one compute, one SQL
 * statement, one Lua script), and each is judged by the store's clock (rem).
 */

/* ---- parameters ---------------------------------------------------------------- */

#define NW 3          /* workers (the checks below name workers 0, 1 and 2) */
#define FIRST_WORKER 3 /* _pid of worker 0: Heartbeat, Clock and Environment come first */
#ifndef TTL
#define TTL 4         /* lease ttl, in ticks */
#endif
#ifndef F
#define F 2           /* store calls that fail (before or after applying), in all */
#endif
#ifndef MAXWORK
#define MAXWORK 2     /* longest run of fn, in ticks */
#endif
#ifndef MAXCRASH
#define MAXCRASH 1    /* workers that crash (kill -9), in all */
#endif

#ifdef SLOW_HEARTBEAT
#define PERIOD TTL    /* variant: heartbeat period >= ttl (issue 14, item 3) */
#else
#ifndef PERIOD
#define PERIOD 1      /* heartbeat period; the safe model needs (F + 1) * PERIOD < TTL */
#endif
#endif

/* ---- the store's record of the key ---------------------------------------------- */

mtype = { ABSENT, HELD, RELEASED, COMPLETED, FAILED };

mtype st = ABSENT;    /* state */
byte lid = 0;         /* lease_id: w + 1 of the worker whose acquire applied; 0 = none */
byte rem = 0;         /* HELD: expires_at - now, 0 = expired; terminal: 1 within retention, 0 past it */


/* answers of store operations, as the worker sees them */
mtype = { R_ACQUIRED, R_HELD_BY_OTHER, R_COMPLETED, R_FAILED, R_FREE, R_OK, R_STALE, R_ERROR };

/* fault modes of one store call */
mtype = { APPLY, FAIL_BEFORE, LOST_ANSWER };

/* ---- per worker ------------------------------------------------------------------ */

bit keeping[NW];      /* its LeaseKeeper runs (heartbeats scheduled, not closed) */
bit lost[NW];         /* the keeper saw StaleLeaseException (LeaseKeeper.lost()) */
byte age[NW];         /* now - confirmedAt, capped at TTL: held() is !lost && age < TTL */
byte sinceBeat[NW];   /* ticks since the last heartbeat, capped at PERIOD */
byte fnLeft[NW];      /* ticks fn still runs */
bit nap[NW];          /* a waiter sleeping until the next tick (its poll pause) */
bit crashed[NW];
bit paused[NW];
bit finished[NW];     /* returned to its caller */

/* ---- ghosts ---------------------------------------------------------------------- */

byte faults = 0;
byte crashes = 0;
byte effects = 0;     /* side effects of fn that ran */
bit inFn[NW];         /* between acquire and the end of fn */
bit effected[NW];     /* its fn performed the side effect */
bit takenOver[NW];    /* someone acquired the key while this worker's lease id held it */
bit tainted = 0;      /* a worker crashed or was paused after its side effect, before returning */
bit retired = 0;      /* a terminal record passed its retention (the key may run again) */

#define held(w)       (!lost[w] && age[w] < TTL)
#define fin(w)        (finished[w] || crashed[w])
#define beatDue(w)    (keeping[w] && !lost[w] && !crashed[w] && !paused[w] && sinceBeat[w] >= PERIOD)

/*
 * S1 (one live holder by store time): a worker that runs fn and believes it holds the
 * lease (LeaseKeeper.held()) is the store's holder, and its lease is live by store
 * time. Hence at most one worker runs fn under a live lease. Checked after every step
 * that can change it: a tick and every store operation.
 */
#define S1(w)         assert(!(inFn[w] && held(w)) || (st == HELD && lid == w + 1 && rem > 0))
#define CHECK_S1      S1(0); S1(1); S1(2)

/* S2 (no overwrite): nothing changes a completed record within retention. */
#define S2            assert(!(st == COMPLETED && rem > 0))

/* S3 (late worker): a worker whose lease was taken over never changes the record again. */
#define S3(me)        assert(!takenOver[me - 1])

/*
 * S4 (no second run): when fn performs its side effect, no run performed it before,
 * unless a worker crashed after its effect and before recording it (tainted), or a
 * terminal record passed its retention (retired). Asserted at the effect, in Worker.
 * It holds under the safe model's assumptions: at most F store faults with
 * (F + 1) * PERIOD < TTL, so failed heartbeats never let a live worker's lease expire;
 * the heartbeat goes out on time (the Clock waits for a due beat); no pause of a whole
 * worker. Each variant drops one of them.
 */

/* ---- store operations (each one atomic step of the store) -------------------------- */

/*
 * acquire(key, ttl, newId).
 * maps to: InMemoryStore.acquireLease (ConcurrentHashMap.compute: COMPLETED/FAILED not
 * gone -> answer; HELD && expiresAt > now -> HELD_BY_OTHER; else a new HELD record);
 * JdbcStore PostgresSql acquire (INSERT ... ON CONFLICT DO UPDATE ... WHERE t.state =
 * 'RELEASED' OR t.expires_at <= now); RedisStore ACQUIRE script (terminal and expires >
 * now -> answer; HELD and expires > now -> HELD_BY_OTHER; else DEL + HSET HELD).
 */
inline store_acquire(me, out) {
	if
	:: st == COMPLETED && rem > 0 -> out = R_COMPLETED
	:: st == FAILED && rem > 0 -> out = R_FAILED
	:: st == HELD && rem > 0 -> out = R_HELD_BY_OTHER
	:: else ->
		S2;
		if
		:: st == HELD && !fin(lid - 1) -> takenOver[lid - 1] = 1   /* takeover of an expired lease */
		:: else -> skip
		fi;
		st = HELD; lid = me; rem = TTL;
		out = R_ACQUIRED
	fi;
	CHECK_S1
}

/*
 * extend(key, id, ttl): fenced by state = HELD and lease_id = id, no expiry check.
 * maps to: InMemoryStore.extendLease (computeIfPresent, heldBy(leaseId)); JdbcStore
 * PostgresSql extend (UPDATE ... SET expires_at = now + ttl WHERE state = 'HELD' AND
 * lease_id = ?); RedisStore EXTEND script.
 */
inline store_extend(me, out) {
	if
	:: st == HELD && lid == me -> S2; S3(me); rem = TTL; out = R_OK
	:: else -> out = R_STALE
	fi;
	CHECK_S1
}

/*
 * complete(key, id, result) / fail(key, id, code): the same fence, no expiry check: a
 * late holder may finish while nobody took over. Retention starts (rem = 1).
 * maps to: InMemoryStore.finish (computeIfPresent, heldBy(leaseId)); JdbcStore
 * PostgresSql finish (UPDATE ... SET state = ?, lease_id = NULL, expires_at = now +
 * retention WHERE state = 'HELD' AND lease_id = ?); RedisStore FINISH script.
 */
inline store_finish(me, to, out) {
	if
	:: st == HELD && lid == me ->
		S2; S3(me);
		st = to; lid = 0; rem = 1;
		out = R_OK
	:: else -> out = R_STALE
	fi;
	CHECK_S1
}

/*
 * cancel(key, id): the same fence; the key becomes RELEASED (free).
 * maps to: InMemoryStore.cancelLease (computeIfPresent, heldBy(leaseId)); JdbcStore
 * PostgresSql cancel (UPDATE ... SET state = 'RELEASED', lease_id = NULL, expires_at =
 * now WHERE state = 'HELD' AND lease_id = ?); RedisStore CANCEL script.
 */
inline store_cancel(me, out) {
	if
	:: st == HELD && lid == me -> S2; S3(me); st = RELEASED; lid = 0; rem = 0; out = R_OK
	:: else -> out = R_STALE
	fi;
	CHECK_S1
}

/*
 * get(key) as the waiter reads it: terminal within retention -> its result; absent,
 * released or held-expired -> free; else held.
 * maps to: InMemoryStore.getLease (terminal gone -> null); JdbcStore PostgresSql
 * getLease (NOT (terminal AND expires_at <= now)); RedisStore GET_LEASE script; read
 * by RunFnFlow.Watch.read (free = no record or not held).
 */
inline store_get(out) {
	if
	:: st == COMPLETED && rem > 0 -> out = R_COMPLETED
	:: st == FAILED && rem > 0 -> out = R_FAILED
	:: st == HELD && rem > 0 -> out = R_HELD_BY_OTHER
	:: else -> out = R_FREE
	fi
}

/*
 * One store call from a client: applies and answers; fails before applying (store
 * down, timeout before the write); or applies and the answer is lost (the caller sees
 * an error). At most F faults in all.
 * maps to: the fault modes of the contract suites' fault-injecting store decorator
 * (fail before delegating, delegate then throw).
 */
inline pick_mode(mode) {
	if
	:: mode = APPLY
	:: faults < F -> faults++; mode = FAIL_BEFORE
	:: faults < F -> faults++; mode = LOST_ANSWER
	fi
}

/* ---- heartbeats: Heartbeats.keep / LeaseKeeper.beat -------------------------------- */

/*
 * One process beats for all three workers, like the one ticker thread of Heartbeats;
 * each beat is one store call (its own fault mode), so the interleavings are those of
 * one heartbeat thread per worker.
 */

/* maps to: LeaseKeeper.beat (extend; confirmedAt = the time the call was sent; a
   StaleLeaseException marks the lease lost; other errors wait for the next tick) */
inline beat(w) {
	atomic {
		beatDue(w) ->
		sinceBeat[w] = 0;
		pick_mode(hmode);
		if
		:: hmode == FAIL_BEFORE ->
			printf("w%d heartbeat (%e)\n", w + 1, hmode)   /* retried at the next tick */
		:: else ->
			d_step { store_extend(w + 1, hout) };
			printf("w%d heartbeat (%e): %e\n", w + 1, hmode, hout);
			if
			:: hmode == APPLY && hout == R_OK -> age[w] = 0          /* confirmedAt = sentAt */
			:: hmode == APPLY && hout == R_STALE -> lost[w] = 1      /* LeaseEvents.leaseLost */
			:: else -> skip                                       /* answer lost */
			fi
		fi;
		hmode = APPLY; hout = R_OK
	}
}

active proctype Heartbeat()
{
#ifndef NO_HEARTBEAT
	mtype hmode = APPLY;
	mtype hout = R_OK;
	do
	:: beat(0)
	:: beat(1)
	:: beat(2)
	od
#else
	skip   /* variant: no heartbeat while the work runs (issue 14, item 4) */
#endif
}

/* ---- the clock --------------------------------------------------------------------- */

/*
 * One tick. A live, unpaused worker's due heartbeat goes out before the clock moves on
 * (the heartbeat thread is never late by a whole period); nothing else waits for it.
 * maps to: the store's clock (now) and the JVM's nanoTime, which move together here.
 */
inline tick_worker(w) {
	if
	:: keeping[w] && age[w] < TTL -> age[w]++
	:: else -> skip
	fi;
	if
	:: keeping[w] && sinceBeat[w] < PERIOD -> sinceBeat[w]++
	:: else -> skip
	fi;
	if
	:: fnLeft[w] > 0 -> fnLeft[w]--
	:: else -> skip
	fi;
	nap[w] = 0
}

active proctype Clock()
{
	do
	:: d_step {
#ifdef NO_HEARTBEAT
		true ->
#else
		!beatDue(0) && !beatDue(1) && !beatDue(2) ->
#endif
		if
		:: st == HELD && rem > 0 -> rem--
		:: else -> skip
		fi;
		tick_worker(0); tick_worker(1); tick_worker(2);
		printf("tick: %e rem=%d\n", st, rem);
		CHECK_S1
	   }
	od
}

/* ---- the environment: crashes, retention, housekeeping, pauses ---------------------- */

/* maps to: kill -9 of a worker JVM: its thread and its heartbeats stop at once */
inline crash(w) {
	d_step {
		crashes < MAXCRASH && !fin(w) ->
		crashes++; crashed[w] = 1;
		printf("w%d crashes\n", w + 1);
		if
		:: effected[w] -> tainted = 1   /* died after the effect, before recording it */
		:: else -> skip
		fi;
		keeping[w] = 0; inFn[w] = 0; effected[w] = 0; takenOver[w] = 0;
		age[w] = 0; sinceBeat[w] = 0; fnLeft[w] = 0; lost[w] = 0; nap[w] = 0
	}
}

#ifdef PAUSE
/* GC pause or SIGSTOP of a whole worker JVM (worker and heartbeat), for any time */
bit pauses = 0;
inline pause(w) {
	d_step { !pauses && !fin(w) -> pauses = 1; paused[w] = 1; printf("w%d paused\n", w + 1) }
}
inline resume(w) {
	d_step { paused[w] -> paused[w] = 0; printf("w%d resumed\n", w + 1) }
}
#endif

active proctype Environment()
{
	do
	:: crash(0)
	:: crash(1)
	:: crash(2)
	/* retention ends (any time after it began): the key may run again */
	:: d_step { (st == COMPLETED || st == FAILED) && rem > 0 -> rem = 0; retired = 1; printf("retention ends\n") }
	/* housekeeping removes what counts as absent: released, held-expired after its
	   grace, terminal past retention.
	   maps to: InMemoryStore sweep (isGone); JdbcStore purgeLeases; Redis PEXPIRE */
	:: d_step { st != ABSENT && rem == 0 -> st = ABSENT; lid = 0; printf("housekeeping removes the record\n") }
#ifdef PAUSE
	:: pause(0)
	:: pause(1)
	:: pause(2)
	:: resume(0)
	:: resume(1)
	:: resume(2)
#endif
	od
}

/* ---- workers: RunFnFlow.run / execute / storedOutcome / await ---------------------- */

/*
 * Each step below is one atomic transition that ends in a goto, so the state space
 * holds only the points where another thread may act: before each store call, while fn
 * runs, while a waiter pauses.
 */

/* the worker returns to its caller.
   maps to: LeaseKeeper.close (try-with-resources in RunFnFlow.execute): heartbeats stop,
   the lease is left as it is */
inline finish_worker() {
	keeping[w] = 0; inFn[w] = 0; finished[w] = 1; effected[w] = 0; takenOver[w] = 0;
	age[w] = 0; sinceBeat[w] = 0; fnLeft[w] = 0; lost[w] = 0; nap[w] = 0;
	mode = APPLY; out = R_OK
}

active [NW] proctype Worker()
#ifdef PAUSE
provided (!paused[_pid - FIRST_WORKER])
#endif
{
	byte w = _pid - FIRST_WORKER;
	byte me = w + 1;
	mtype mode = APPLY;
	mtype out = R_OK;

acquire:
	{
		/* RunFnFlow.run: backend.acquire */
		atomic {
			pick_mode(mode);
			if
			:: mode == FAIL_BEFORE -> out = R_ERROR
			:: else ->
				d_step { store_acquire(me, out) };
				if
				:: mode == LOST_ANSWER -> out = R_ERROR   /* a lease nobody keeps: it expires */
				:: else -> skip
				fi
			fi;
			printf("w%d acquire (%e): %e\n", me, mode, out);
			if
			:: out == R_ACQUIRED ->
				/* Heartbeats.keep(..., confirmedAt = sentAt); fn starts and runs 0 or more ticks */
				keeping[w] = 1; age[w] = 0; sinceBeat[w] = 0; inFn[w] = 1;
				if
				:: fnLeft[w] = 0
				:: fnLeft[w] = MAXWORK
				fi;
				mode = APPLY; out = R_OK;
				goto work
			:: out == R_HELD_BY_OTHER ->
				nap[w] = 1; mode = APPLY; out = R_OK;
				goto await
			:: else ->
				finish_worker();   /* the stored result, or the store's error */
				goto end
			fi
		};

await:
		/* RunFnFlow.await(returnWhenFree = true): pause, read; terminal -> its result,
		   free -> try to acquire again. (The code reads once before its first pause;
		   here the pause comes first: a read at the instant of the acquire's answer
		   would see the same record.) */
		atomic {
			nap[w] == 0 ->
			if
			:: faults < F -> faults++; out = R_ERROR   /* a read has no effect to lose */
			:: d_step { store_get(out) }
			fi;
			printf("w%d read: %e\n", me, out);
			if
			:: out == R_FREE -> out = R_OK; goto acquire
			:: out == R_HELD_BY_OTHER -> nap[w] = 1; out = R_OK; goto await
			:: else -> finish_worker(); goto end   /* the stored result, or the read's error */
			fi
		};

work:
		/* fn runs on the worker's thread while the heartbeats keep the lease */
		atomic {
			fnLeft[w] == 0 ->
			inFn[w] = 0;
			if
			:: /* fn returned: S4, checked at a second side effect */
#ifndef NO_S4
				assert(effects == 0 || tainted || retired);
#endif
				effects++; effected[w] = 1;
				printf("w%d fn ran: side effect %d\n", me, effects);
				goto record
			:: /* fn threw, before any side effect: the only case that may free the key */
				keeping[w] = 0;
				pick_mode(mode);
				if
				:: mode != FAIL_BEFORE ->
					if
					:: d_step { store_cancel(me, out) }           /* recordFailure false */
					:: d_step { store_finish(me, FAILED, out) }   /* recordFailure true */
					fi
				:: else -> skip
				fi;   /* errors are added to the rethrown exception */
				printf("w%d fn threw; release (%e): %e\n", me, mode, out);
				finish_worker();
				goto end
			fi
		};

record:
		/* LeaseKeeper.record(() -> backend.complete(...)) */
		atomic {
			pick_mode(mode);
			if
			:: mode == FAIL_BEFORE -> out = R_ERROR
			:: else ->
				d_step { store_finish(me, COMPLETED, out) };
				if
				:: mode == LOST_ANSWER -> out = R_ERROR
				:: else -> skip
				fi
			fi;
			printf("w%d complete (%e): %e\n", me, mode, out);
#ifdef OLD_FLOW
			/* the old flow: an error after fn ran was settled as a failure of fn, and
			   @IdempotentAi's default released the key (issue 14, item 1) */
			if
			:: out == R_ERROR ->
				keeping[w] = 0;
				pick_mode(mode);
				if
				:: mode != FAIL_BEFORE -> d_step { store_cancel(me, out) }
				:: else -> skip
				fi;
				printf("w%d old flow: cancel (%e): %e\n", me, mode, out);
				finish_worker();
				goto end
			:: else -> skip
			fi;
#endif
			if
			:: out == R_OK -> finish_worker(); goto end
			:: out == R_STALE -> mode = APPLY; out = R_OK; goto stale   /* not marked lost: read the key */
			:: out == R_ERROR && held(w) ->
				/* retried after a backoff while the lease is held by the worker's reckoning */
				mode = APPLY; out = R_OK; goto record
			:: out == R_ERROR && !held(w) ->
				printf("w%d outcome unknown (lease not held)\n", me);
				finish_worker();   /* OutcomeUnknownException; the lease is never cancelled */
				goto end
			fi
		};

stale:
		/* RunFnFlow.storedOutcome: completed (perhaps by an earlier attempt whose answer
		   was lost) -> that result; else OutcomeUnknownException, never cancel */
		atomic {
			if
			:: faults < F -> faults++; out = R_ERROR
			:: d_step { store_get(out) }
			fi;
			printf("w%d stale complete, read: %e\n", me, out);
			finish_worker();
			goto end
		}
	} unless { crashed[w] };
end:
	skip
}

/* ---- liveness (pan -a -f -N name) ----------------------------------------------------- */

/* L1: every worker that does not crash returns (a result, a failure, or an error) */
ltl returns { <> (fin(0) && fin(1) && fin(2)) }

/* L2: the key of a crashed holder becomes free */
#define crashedHolds (st == HELD && rem > 0 && lid > 0 && crashed[lid - 1])
ltl crash_frees { [] (crashedHolds -> <> !crashedHolds) }
