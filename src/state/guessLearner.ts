import type { Task } from '../core/data/types';
import { guessArch } from '../core/model/guessArch';
import type { LearnerSpec } from '../workers/protocol';

/**
 * The learner the next build uses: the person's choice once they made one, else the guess for
 * the data's task. The Learner cell shows the same, so what is shown is what is built.
 */
export function effectiveLearnerSpec(spec: LearnerSpec, archChosen: boolean, task: Task | undefined, baseUrl: string): LearnerSpec {
  return archChosen ? spec : { ...spec, arch: guessArch(task, baseUrl) };
}
