import type { Session } from './session.js';
import { runStep, type StepOutcome, type StepPlan } from './steps.js';

export interface Contender {
  session: Session;
  plans: StepPlan[];
  outcomes: StepOutcome[];
}

/** Others using more than this share of either core during a step make its result doubtful. */
const CONTENDED_SHARE = 0.2;
const MAX_ATTEMPTS = 2;
const MAX_ATTEMPTS_CONTENDED = 3;

function contended(o: StepOutcome): boolean {
  return o.othersOnServerCore > CONTENDED_SHARE || o.othersOnLoadCore > CONTENDED_SHARE;
}

/** A failed step is tried again once, twice when other processes were crowding our cores. */
function attemptsFor(o: StepOutcome): number {
  return contended(o) ? MAX_ATTEMPTS_CONTENDED : MAX_ATTEMPTS;
}

/**
 * Drives every server up the same steps, taking turns at each step, so all of them meet the same noise on a shared
 * machine. A server drops out at the first step it keeps failing.
 */
export async function stepUpTogether(contenders: Contender[], onStep: (c: Contender, plan: StepPlan, o: StepOutcome) => void): Promise<void> {
  const steps = Math.max(...contenders.map((c) => c.plans.length));
  for (let i = 0; i < steps; i++) {
    const running = contenders.filter((c) => i < c.plans.length && c.outcomes.every((o) => o.passed));
    // Take turns in a rotating order, so no server always follows the same one.
    const order = running.map((_, k) => running[(k + i) % running.length]!);
    for (const c of order) {
      const plan = c.plans[i]!;
      let outcome: StepOutcome;
      let attempt = 0;
      do {
        await c.session.settle(5_000);
        // A new step number per attempt, so stragglers from an earlier one are not counted again.
        outcome = await runStep(c.session, { ...plan, step: plan.step + attempt * 1_000 });
        attempt += 1;
      } while (!outcome.passed && attempt < attemptsFor(outcome));
      outcome.attempts = attempt;
      c.outcomes.push(outcome);
      onStep(c, plan, outcome);
    }
  }
}
