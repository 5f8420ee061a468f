package tech.onceonly.store.jdbc;

/**
 * One pass of {@link JdbcPurge} over one table: batches of at most {@code limit} deleted
 * rows until the pass has seen the whole table.
 */
interface PurgePass {

	/**
	 * Deletes at most {@code limit} rows that no longer matter, in one or more bounded
	 * statements; stops early (with fewer rows) when the pass has seen the whole table or
	 * when {@code deadline} (a {@link System#nanoTime()} value) has passed.
	 * @return how many rows were deleted
	 */
	int delete(int limit, long deadline);

	/** Whether the pass has seen the whole table (a short batch then ends it). */
	boolean finished();

}
