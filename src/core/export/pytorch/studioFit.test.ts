import { describe, expect, it } from 'vitest';
import { oneCycleLr, oneCycleMom, spreadLrs } from '../../train/schedules';
import { hasTorch, PYTHON_DIR, runPython } from './testing/python';

// train.py's schedule is the studio's: one-cycle's rate and momentum (fastai's combined cosines)
// and the slice spread over layer groups, compared value by value with schedules.ts.
const POSITIONS = [0, 0.1, 0.25, 0.3, 0.5, 0.99, 1];
const CYCLES = [{}, { pctStart: 0.3, div: 5 }, { pctStart: 0.99 }, { divFinal: 1e4, moms: [0.9, 0.8, 0.9] as [number, number, number] }];

describe('studio_fit.py schedules', () => {
  it('give the studio’s one-cycle rates and momenta and its discriminative spread', () => {
    expect(hasTorch(), '/usr/bin/python3 cannot import torch').toBe(true);
    const program = `
import json, sys
sys.path.insert(0, ${JSON.stringify(PYTHON_DIR)})
from studio_fit import cycle_at, spread_lrs
cycles, positions = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({'cycles': [[cycle_at({'cycle': c}, [1e-3, 1e-2], p) for p in positions] for c in cycles],
                  'spread': [spread_lrs([1e-5, 1e-3], 3), spread_lrs([1e-4, 1e-2], 1), spread_lrs(3e-3, 4)]}))`;
    const py = JSON.parse(runPython(['-c', program, JSON.stringify(CYCLES), JSON.stringify(POSITIONS)], PYTHON_DIR)) as { cycles: [number[], number][][]; spread: number[][] };
    CYCLES.forEach((cycle, c) =>
      POSITIONS.forEach((pos, i) => {
        const [lrs, mom] = py.cycles[c][i];
        expect(lrs[0]).toBeCloseTo(oneCycleLr(1e-3, cycle)(pos), 12);
        expect(lrs[1]).toBeCloseTo(oneCycleLr(1e-2, cycle)(pos), 12);
        expect(mom).toBeCloseTo(oneCycleMom(cycle)(pos), 12);
      }),
    );
    expect(py.spread[0].map((v, i) => v / spreadLrs(1e-5, 1e-3, 3)[i])).toEqual([1, 1, 1].map((v) => expect.closeTo(v, 12)));
    expect(py.spread[1]).toEqual(spreadLrs(1e-4, 1e-2, 1));
    expect(py.spread[2]).toEqual([3e-3, 3e-3, 3e-3, 3e-3]);
  });
});
