import type { HistoryPage, PageRequest } from '../../main/core/history/types';

/** A case named "... page 50 deep ..." times only its 50th page; the 49 before it only find the cursor. */
export const DEEP_PAGE = 50;

/**
 * The time of one page of `request`: the first page, or for a deep case the page `DEEP_PAGE`
 * pages in, reached by keyset cursors outside the timed part (the target: page 50 within
 * 1.5x of page 1, which timing all 50 pages together could never show).
 */
export async function timePage(page: (request: PageRequest) => HistoryPage | Promise<HistoryPage>, name: string, request: PageRequest): Promise<number> {
  let cursor = request.cursor ?? null;
  if (name.includes('deep')) {
    for (let k = 1; k < DEEP_PAGE; k++) {
      const skipped = await page({ ...request, cursor });
      if (!skipped.nextCursor) break;
      cursor = skipped.nextCursor;
    }
  }
  const t = performance.now();
  await page({ ...request, cursor });
  return performance.now() - t;
}
