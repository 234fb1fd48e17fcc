"""The studio's tfjs layers model (model.json + weights.bin) as a torch.nn.Module, and back.

The studio's networks are Keras functional graphs (small CNN, xresnet, a pretrained MobileNetV2
body with fastai's head, U-Nets, the points head). Rather than re-writing each architecture, this
module reads the graph from model.json, builds one torch module per Keras layer and runs them in
the file's order, so every layer and every weight maps one to one in both directions.

Tensors run NCHW inside (PyTorch's layout); `forward` takes and returns NCHW, `[B, C]` for
vectors. Keras's channels-last semantics are kept where they matter: TF's asymmetric 'same'
padding, channel axes of Concatenate, and the NHWC order of a Flatten.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn

from studio_layers import LAYER_BUILDERS

# A weight's layout kind -> its conversion tfjs -> torch (other weights are 1-D and copy as they are).
# Conv kernels are HWIO in tfjs and OIHW in torch; depthwise HW(I)(M) -> (I*M)1HW; dense IO -> OI.
_TO_TORCH = {
    'kernel4': lambda a: a.transpose(3, 2, 0, 1),
    'depthwise_kernel': lambda a: a.transpose(2, 3, 0, 1).reshape(a.shape[2] * a.shape[3], 1, a.shape[0], a.shape[1]),
    'kernel2': lambda a: a.T,
}


def _to_tfjs(kind, t):
    """Inverse of _TO_TORCH for one tensor (numpy float32)."""
    a = t.detach().cpu().float().numpy()
    if kind == 'kernel4':
        return a.transpose(2, 3, 1, 0)
    if kind == 'kernel2':
        return a.T
    return a


def _layout(weight_name, value_ndim):
    if weight_name == 'kernel':
        return 'kernel4' if value_ndim == 4 else 'kernel2'
    return weight_name


def topology_layers(model_json):
    """The Keras model config of a model.json: layers, input_layers, output_layers (tfjs nests it under model_config in some files)."""
    topo = model_json['modelTopology']
    topo = topo.get('model_config', topo)
    return topo['config']


def _read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def read_weights(folder):
    """model.json's weights as {name: float32 array}, dequantizing uint8/uint16/float16 storage."""
    with open(os.path.join(folder, 'model.json')) as f:
        model_json = json.load(f)
    out = {}
    for group in model_json['weightsManifest']:
        data = b''.join(_read_bytes(os.path.join(folder, p)) for p in group['paths'])
        offset = 0
        for spec in group['weights']:
            count = int(np.prod(spec['shape'])) if spec['shape'] else 1
            q = spec.get('quantization')
            if q is None:
                arr = np.frombuffer(data, np.float32, count, offset)
                offset += 4 * count
            elif q['dtype'] == 'float16':
                arr = np.frombuffer(data, np.float16, count, offset).astype(np.float32)
                offset += 2 * count
            else:
                dt = np.uint8 if q['dtype'] == 'uint8' else np.uint16
                raw = np.frombuffer(data, dt, count, offset)
                offset += raw.itemsize * count
                # tfjs's affine quantization: value = q * scale + min.
                arr = (raw.astype(np.float32) * q['scale'] + q['min']).astype(np.float32)
            out[spec['name']] = arr.reshape(spec['shape']).copy()
    return model_json, out


class StudioModel(nn.Module):
    """A Keras functional graph from model.json, layer by layer, as torch modules."""

    def __init__(self, model_json):
        super().__init__()
        config = topology_layers(model_json)
        self.model_json = model_json
        self.layer_configs = config['layers']
        self.input_names = [ref[0] for ref in config['input_layers']]
        self.output_refs = [(ref[0], ref[1], ref[2]) for ref in config['output_layers']]
        self.layers = nn.ModuleDict()
        self.frozen_layers = set()
        for layer in self.layer_configs:
            cls = layer['class_name']
            if cls == 'InputLayer':
                continue
            if cls not in LAYER_BUILDERS:
                raise ValueError(f'layer {layer["name"]}: Keras layer class {cls} has no PyTorch equivalent here')
            self.layers[_key(layer['name'])] = LAYER_BUILDERS[cls](layer['config'])
            if layer['config'].get('trainable') is False:
                # The studio's input adapter is fixed arithmetic, never trained.
                self.frozen_layers.add(layer['name'])

    def forward(self, x):
        values = {(name, 0, 0): x for name in self.input_names}
        for layer in self.layer_configs:
            if layer['class_name'] == 'InputLayer':
                continue
            for node_index, node in enumerate(layer['inbound_nodes']):
                inputs = [values[(ref[0], ref[1], ref[2])] for ref in node]
                module = self.layers[_key(layer['name'])]
                values[(layer['name'], node_index, 0)] = module(inputs if len(inputs) > 1 else inputs[0])
        outs = [values[r] for r in self.output_refs]
        return outs[0] if len(outs) == 1 else outs

    def named_layer(self, name):
        """The torch module built for the Keras layer `name`."""
        return self.layers[_key(name)]

    def load_tfjs_weights(self, weights):
        """Copies {'layer/weight': array} (tfjs layout) into the modules, converting each layout."""
        used = set()
        for layer in self.layer_configs:
            if layer['class_name'] == 'InputLayer':
                continue
            module = self.layers[_key(layer['name'])]
            if hasattr(module, 'materialize'):
                module.materialize(_in_channels(layer['name'], weights))
            for wname, param in getattr(module, 'tfjs_weights', lambda: [])():
                full = f'{layer["name"]}/{wname}'
                if full not in weights:
                    raise KeyError(f'weights.bin has no {full} for layer {layer["name"]}')
                arr = weights[full]
                kind = _layout(wname, arr.ndim)
                value = _TO_TORCH.get(kind, lambda a: a)(arr)
                if tuple(value.shape) != tuple(param.shape):
                    raise ValueError(f'{full}: shape {list(arr.shape)} does not fit the PyTorch layer ({list(param.shape)})')
                with torch.no_grad():
                    param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
                used.add(full)
        extra = set(weights) - used
        if extra:
            raise ValueError(f'weights.bin holds weights no layer takes: {sorted(extra)[:5]}')

    def tfjs_weights(self):
        """{'layer/weight': float32 array in tfjs layout} for every weight of the model."""
        out = {}
        for layer in self.layer_configs:
            if layer['class_name'] == 'InputLayer':
                continue
            module = self.layers[_key(layer['name'])]
            for wname, param in getattr(module, 'tfjs_weights', lambda: [])():
                full = f'{layer["name"]}/{wname}'
                kind = _layout(wname, param.dim())
                if wname == 'depthwise_kernel':
                    a = param.detach().cpu().float().numpy()
                    kh, kw = a.shape[2], a.shape[3]
                    cin = module.in_channels
                    out[full] = a.reshape(cin, -1, kh, kw).transpose(2, 3, 0, 1)
                else:
                    out[full] = _to_tfjs(kind, param)
        return out


def _in_channels(layer_name, weights):
    """Input channels of a layer, read off its weights (Keras configs do not store them)."""
    for wname, axis in (('kernel', -2), ('depthwise_kernel', 2), ('moving_mean', 0)):
        arr = weights.get(f'{layer_name}/{wname}')
        if arr is not None:
            return arr.shape[0] if arr.ndim == 2 else arr.shape[axis]
    raise KeyError(f'weights.bin has no kernel or statistics for layer {layer_name}')


def _key(name):
    # ModuleDict keys may not contain dots; Keras names rarely do, but a dropped model might.
    return name.replace('.', '__')


def load_studio_model(folder):
    """A StudioModel with the weights of the bundle in `folder` (model.json + weights.bin)."""
    model_json, weights = read_weights(folder)
    model = StudioModel(model_json)
    model.load_tfjs_weights(weights)
    return model


def save_tfjs(model, folder):
    """Writes model.json (the same topology) + weights.bin (float32, model.json's order) into `folder`."""
    os.makedirs(folder, exist_ok=True)
    weights = model.tfjs_weights()
    specs, chunks = [], []
    for group in model.model_json['weightsManifest']:
        for spec in group['weights']:
            arr = np.ascontiguousarray(weights[spec['name']], dtype=np.float32)
            if list(arr.shape) != list(spec['shape']):
                raise ValueError(f'{spec["name"]}: shape {list(arr.shape)} differs from model.json {spec["shape"]}')
            specs.append({'name': spec['name'], 'shape': spec['shape'], 'dtype': 'float32'})
            chunks.append(arr.tobytes())
    out_json = dict(model.model_json)
    out_json['weightsManifest'] = [{'paths': ['weights.bin'], 'weights': specs}]
    out_json['convertedBy'] = f'studio_model.py (PyTorch {torch.__version__})'
    with open(os.path.join(folder, 'weights.bin'), 'wb') as f:
        f.write(b''.join(chunks))
    with open(os.path.join(folder, 'model.json'), 'w') as f:
        json.dump(out_json, f)
    return sum(len(c) for c in chunks)


def to_nhwc(y):
    """A model output as the studio returns it: channels last for feature maps."""
    return y.permute(0, 2, 3, 1) if y.dim() == 4 else y


def check_jobs(jobs):
    """For the round-trip test: each job's NHWC float32 pictures predicted, weights written back."""
    torch.set_grad_enabled(False)
    for job in jobs:
        m = load_studio_model(job['bundle']).eval()
        x = torch.from_numpy(np.fromfile(job['x'], np.float32).reshape(job['shape'])).permute(0, 3, 1, 2).contiguous()
        to_nhwc(m(x)).contiguous().numpy().astype(np.float32).tofile(job['y'])
        save_tfjs(m, job['back'])


if __name__ == '__main__':
    # python3 studio_model.py JOBS.json: [{bundle, x, shape, y, back}, ...] (one process, one torch import).
    import sys
    with open(sys.argv[1]) as f:
        check_jobs(json.load(f))
