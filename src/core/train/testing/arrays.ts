// The in-memory loaders the tests build their data with are the studio's own.
export { tensorLoaders as arrayLoaders, type TensorLoaderOptions as ArrayLoaderOptions } from '../../data/tensorLoaders';
