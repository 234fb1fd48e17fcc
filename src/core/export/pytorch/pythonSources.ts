/**
 * The Python files of the PyTorch export, as text. They live as real `.py` files beside this
 * module (run in place by the tests); Vite and Vitest import them with `?raw`. The command line
 * (tsx, which has no `?raw`) reads the same files from disk: see `scripts/cli/pythonFiles.ts`.
 */
import launchPy from './python/launch.py?raw';
import studioAugmentPy from './python/studio_augment.py?raw';
import studioDataPy from './python/studio_data.py?raw';
import studioFitPy from './python/studio_fit.py?raw';
import studioLayersPy from './python/studio_layers.py?raw';
import studioModelPy from './python/studio_model.py?raw';
import studioTablePy from './python/studio_table.py?raw';
import trainPy from './python/train.py?raw';
import type { PythonFiles } from './exportFiles';

/** Every Python file of the export, by name. */
export const PYTHON_FILES: PythonFiles = {
  'train.py': trainPy,
  'launch.py': launchPy,
  'studio_model.py': studioModelPy,
  'studio_layers.py': studioLayersPy,
  'studio_data.py': studioDataPy,
  'studio_augment.py': studioAugmentPy,
  'studio_fit.py': studioFitPy,
  'studio_table.py': studioTablePy,
};
