/**
 * The trained text classifier as a plain `tf.LayersModel`, for the export: what
 * `tf.loadLayersModel` reads back anywhere tfjs runs, with no studio code. The studio trains the
 * AWD-LSTM on raw variables (weight dropout has no hook in the layers API); at inference every
 * dropout is off, so the same function is made of stock layers:
 *
 *   ids [B, T] int32 -> embedding -> LSTM x L (returnSequences; the last also returns its final
 *   state h, which is the last step's output) -> concat pooling [last, max over time, mean over
 *   time] -> (batch norm -> dense (ReLU)) per head block -> softmax probabilities (sigmoid per tag
 *   for a multi-label classifier).
 *
 * The LSTMs use sigmoid gates (tfjs's default is hard sigmoid) and Keras's gate order, which is
 * the studio's (`lstm.ts`), so their weights copy over as they are. The pooling here has no
 * padding mask: feed one text at a time, or texts of one length, unpadded. The studio's own
 * prediction of a typed text is unpadded too, so the two agree.
 */
import * as tf from '@tensorflow/tfjs';
import type { TextClassifier } from './models';

/** PyTorch's `BatchNorm1d` epsilon, which the studio's head uses. */
const BN_EPS = 1e-5;
/** Every weight is overwritten by the trained one, so none is drawn (the orthogonal default is slow). */
const ZERO = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;

/**
 * A `tf.LayersModel` computing `clas`'s inference-mode probabilities, with copies of its weights
 * (later training of `clas` does not change it). The caller disposes it.
 * @example const model = classifierLayersModel(clas); model.predict(tf.tensor2d([ids], [1, ids.length], 'int32'));
 */
export function classifierLayersModel(clas: TextClassifier, output: 'softmax' | 'sigmoid' = 'softmax'): tf.LayersModel {
  const enc = clas.encoder;
  const ids = tf.input({ shape: [null], dtype: 'int32', name: 'token_ids' });
  const embedding = tf.layers.embedding({ inputDim: enc.vocabSize, outputDim: enc.embSize, embeddingsInitializer: 'zeros', name: 'embedding' });
  let x = embedding.apply(ids) as tf.SymbolicTensor;
  const lstms = enc.lstms.map((w, l) => ({
    w,
    layer: tf.layers.lstm({ units: w.units, returnSequences: true, returnState: l === enc.lstms.length - 1, recurrentActivation: 'sigmoid', ...ZERO, recurrentInitializer: 'zeros', name: `lstm_${l}` }),
  }));
  for (const { layer } of lstms.slice(0, -1)) x = layer.apply(x) as tf.SymbolicTensor;
  // The last layer also returns its final state [h, c]: h is the output at the last step.
  const [seq, last] = lstms[lstms.length - 1].layer.apply(x) as tf.SymbolicTensor[];
  x = seq;
  const max = tf.layers.globalMaxPooling1d({ name: 'max_pool' }).apply(x) as tf.SymbolicTensor;
  const mean = tf.layers.globalAveragePooling1d({ name: 'mean_pool' }).apply(x) as tf.SymbolicTensor;
  let h = tf.layers.concatenate({ name: 'concat_pool' }).apply([last, max, mean]) as tf.SymbolicTensor;
  const blocks = clas.head.blocks();
  const headLayers = blocks.map((b, i) => {
    const bn = tf.layers.batchNormalization({ epsilon: BN_EPS, name: `head_bn_${i}` });
    const dense = tf.layers.dense({ units: b.linear.kernel.shape[1] as number, activation: i < blocks.length - 1 ? 'relu' : output, ...ZERO, name: `head_dense_${i}` });
    h = dense.apply(bn.apply(h)) as tf.SymbolicTensor;
    return { bn, dense, b };
  });
  const model = tf.model({ inputs: ids, outputs: h, name: 'awd_lstm_classifier' });
  // Layers build their weights when applied; setWeights copies the values (the model owns them).
  embedding.setWeights([enc.embedding]);
  for (const { layer, w } of lstms) layer.setWeights([w.kernel, w.recurrent, w.bias]);
  for (const { bn, dense, b } of headLayers) {
    bn.setWeights([b.bn.gamma, b.bn.beta, b.bn.runningMean, b.bn.runningVar]);
    dense.setWeights([b.linear.kernel, b.linear.bias]);
  }
  return model;
}
