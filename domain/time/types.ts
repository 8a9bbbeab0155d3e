// Shapes of the working-day calendar (implemented in calendar.ts). Pure types only.

export interface WorkdayAnswer {
  date: string;
  /** false when a day counted lies in a year neither the national source nor the overrides cover. */
  verified: boolean;
}

export interface WorkCalendar {
  /** Asia/Shanghai calendar day `YYYY-MM-DD`. */
  isWorkday(date: string): boolean;
  /** N-th working day after `date`; 0 = `date` itself if a working day, else the next working day. */
  addWorkdays(date: string, n: number): WorkdayAnswer;
  /** Working days strictly after `from` up to and including `to` (0 if to <= from). */
  workdaysBetween(from: string, to: string): number;
  /** Whether the national source or the overrides cover this year. */
  covers(year: number): boolean;
}

