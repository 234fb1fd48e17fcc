import { MORE_WORDS_FILE, parsePretrainedLm, type PretrainedLm } from '../core/text/pretrainedLmFile';
import { checkedFetch } from './checkedFetch';

/** URL path of the shipped language model's folder under the app's base (scripts/textLm/build.ts). */
export const TEXT_LM_PATH = 'models/text-lm';

/**
 * Loads the pretrained language model from `url` (a folder holding `model.json`, `weights.bin` and,
 * when `model.json` lists `moreWords`, their rows).
 * @example const lm = await loadPretrainedLmFromUrl(`${import.meta.env.BASE_URL}${TEXT_LM_PATH}`);
 */
export async function loadPretrainedLmFromUrl(url: string): Promise<PretrainedLm> {
  try {
    const [json, weights] = await Promise.all([checkedFetch(`${url}/model.json`).then((r) => r.json() as Promise<{ moreWords?: unknown }>), checkedFetch(`${url}/weights.bin`).then((r) => r.arrayBuffer())]);
    const more = json.moreWords === undefined ? undefined : await checkedFetch(`${url}/${MORE_WORDS_FILE}`).then((r) => r.arrayBuffer());
    return parsePretrainedLm(json, weights, url, more);
  } catch (e) {
    throw new Error(`The pretrained language model at ${url} could not be loaded: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
