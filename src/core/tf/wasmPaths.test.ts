import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { chooseBackend, setWasmFileUrls } from './backend';

// Its own file: a wasm backend that failed to start stays failed for the whole process.
describe('setWasmFileUrls', () => {
  it('is where the wasm backend fetches its binary, and a missing one falls back with a hint', async () => {
    const quiet = [vi.spyOn(console, 'warn').mockImplementation(() => {}), vi.spyOn(console, 'error').mockImplementation(() => {})];
    setWasmFileUrls('/nowhere/');
    const choice = await chooseBackend(['wasm', 'cpu']);
    quiet.forEach((s) => s.mockRestore());
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.reason).toMatch(/cpu runs because wasm: backend failed to initialize \(are its \.wasm files served\? see setWasmFileUrls\)/);
  });
});
