"""One torch module per Keras layer class the studio's models use, with Keras's arithmetic.

Every module takes NCHW tensors (or [B, C] vectors) and lists its weights under their Keras
names through `tfjs_weights()`, so studio_model.py can convert them in both directions.
The classes: InputLayer (no module), Conv2D, DepthwiseConv2D, BatchNormalization, ReLU,
Activation, Add, Concatenate, Dense, Dropout, GlobalAveragePooling2D, GlobalMaxPooling2D,
AveragePooling2D, MaxPooling2D, UpSampling2D (nearest and bilinear), ZeroPadding2D, Flatten,
Rescaling and the studio's own CropToMatch (the U-Net's skip alignment).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def tf_same_pads(size, kernel, stride, dilation=1):
    """TF's 'same' padding on one axis: out = ceil(size / stride), the odd pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _pad_same(x, kernel, stride, dilation, value=0.0):
    top, bottom = tf_same_pads(x.shape[2], kernel[0], stride[0], dilation[0])
    left, right = tf_same_pads(x.shape[3], kernel[1], stride[1], dilation[1])
    if top == bottom == left == right == 0:
        return x
    return F.pad(x, (left, right, top, bottom), value=value)


def activation(name):
    """A Keras activation by name."""
    table = {
        'linear': lambda x: x, None: lambda x: x, 'relu': F.relu, 'relu6': lambda x: F.relu6(x),
        'tanh': torch.tanh, 'sigmoid': torch.sigmoid, 'softmax': lambda x: F.softmax(x, dim=1),
        'elu': F.elu, 'selu': F.selu, 'swish': F.silu, 'softplus': F.softplus,
    }
    if name not in table:
        raise ValueError(f'Keras activation "{name}" has no PyTorch equivalent here')
    return table[name]


class Conv2D(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.kernel, self.stride = _pair(c['kernel_size']), _pair(c.get('strides', 1))
        self.dilation, self.padding = _pair(c.get('dilation_rate', 1)), c.get('padding', 'valid')
        self.filters, self.use_bias, self.act = c['filters'], c.get('use_bias', True), activation(c.get('activation', 'linear'))
        # Input channels are known only from the weights: the weight is created lazily at load.
        self.weight = nn.Parameter(torch.empty(0))
        self.bias = nn.Parameter(torch.zeros(self.filters)) if self.use_bias else None
        self.groups = 1

    def materialize(self, in_channels):
        """Creates the kernel for `in_channels` inputs, kaiming-initialized (fastai's default)."""
        w = torch.empty(self.filters, in_channels // self.groups, *self.kernel)
        nn.init.kaiming_normal_(w, nonlinearity='relu')
        self.weight = nn.Parameter(w)

    def tfjs_weights(self):
        return [('kernel', self.weight)] + ([('bias', self.bias)] if self.use_bias else [])

    def forward(self, x):
        if self.padding == 'same':
            x = _pad_same(x, self.kernel, self.stride, self.dilation)
        y = F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return self.act(y)


class DepthwiseConv2D(Conv2D):
    def __init__(self, c):
        c = dict(c, filters=0)
        super().__init__(c)
        self.multiplier = c.get('depth_multiplier', 1)
        self.in_channels = None

    def materialize(self, in_channels):
        self.in_channels, self.groups = in_channels, in_channels
        self.filters = in_channels * self.multiplier
        w = torch.empty(self.filters, 1, *self.kernel)
        nn.init.kaiming_normal_(w, nonlinearity='relu')
        self.weight = nn.Parameter(w)
        if self.use_bias:
            self.bias = nn.Parameter(torch.zeros(self.filters))

    def tfjs_weights(self):
        return [('depthwise_kernel', self.weight)] + ([('bias', self.bias)] if self.use_bias else [])


class BatchNormalization(nn.Module):
    """Keras batch norm on the channel axis; Keras momentum m is PyTorch's 1 - m."""

    def __init__(self, c):
        super().__init__()
        self.eps, self.momentum = c.get('epsilon', 1e-3), 1 - c.get('momentum', 0.99)
        self.center, self.scale = c.get('center', True), c.get('scale', True)
        self.weight = self.bias = None

    def materialize(self, channels):
        self.weight = nn.Parameter(torch.ones(channels)) if self.scale else None
        self.bias = nn.Parameter(torch.zeros(channels)) if self.center else None
        self.register_buffer('running_mean', torch.zeros(channels))
        self.register_buffer('running_var', torch.ones(channels))

    def tfjs_weights(self):
        w = [('gamma', self.weight)] if self.scale else []
        w += [('beta', self.bias)] if self.center else []
        return w + [('moving_mean', self.running_mean), ('moving_variance', self.running_var)]

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, self.training, self.momentum, self.eps)


class ReLU(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.max_value, self.slope, self.threshold = c.get('max_value'), c.get('negative_slope', 0) or 0, c.get('threshold', 0) or 0

    def forward(self, x):
        y = torch.where(x >= self.threshold, x, self.slope * (x - self.threshold)) if (self.slope or self.threshold) else F.relu(x)
        return torch.clamp(y, max=float(self.max_value)) if self.max_value is not None else y


class Activation(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fn = activation(c['activation'])

    def forward(self, x):
        return self.fn(x)


class Add(nn.Module):
    def __init__(self, c):
        super().__init__()

    def forward(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


def _channel_dim(axis, rank):
    """A Keras (channels-last) axis as the NCHW one."""
    axis = axis % rank
    return 1 if axis == rank - 1 else (axis + 1 if rank == 4 else axis)


class Concatenate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.axis = c.get('axis', -1)

    def forward(self, xs):
        return torch.cat(xs, dim=_channel_dim(self.axis, xs[0].dim()))


class Dense(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.units, self.use_bias, self.act = c['units'], c.get('use_bias', True), activation(c.get('activation', 'linear'))
        self.weight = nn.Parameter(torch.empty(0))
        self.bias = nn.Parameter(torch.zeros(self.units)) if self.use_bias else None

    def materialize(self, in_features):
        w = torch.empty(self.units, in_features)
        nn.init.kaiming_normal_(w, nonlinearity='relu')
        self.weight = nn.Parameter(w)

    def tfjs_weights(self):
        return [('kernel', self.weight)] + ([('bias', self.bias)] if self.use_bias else [])

    def forward(self, x):
        return self.act(F.linear(x, self.weight, self.bias))


class Dropout(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.rate = c.get('rate', 0.5)

    def forward(self, x):
        return F.dropout(x, self.rate, self.training)


class GlobalAveragePooling2D(nn.Module):
    def __init__(self, c):
        super().__init__()

    def forward(self, x):
        return x.mean(dim=(2, 3))


class GlobalMaxPooling2D(nn.Module):
    def __init__(self, c):
        super().__init__()

    def forward(self, x):
        return x.amax(dim=(2, 3))


class _Pool(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.pool = _pair(c.get('pool_size', 2))
        self.stride = _pair(c['strides']) if c.get('strides') else self.pool
        self.padding = c.get('padding', 'valid')


class MaxPooling2D(_Pool):
    def forward(self, x):
        if self.padding == 'same':
            x = _pad_same(x, self.pool, self.stride, (1, 1), value=float('-inf'))
        return F.max_pool2d(x, self.pool, self.stride)


class AveragePooling2D(_Pool):
    """TF's 'same' average pooling divides by the pixels inside the picture, not the window."""

    def forward(self, x):
        if self.padding != 'same':
            return F.avg_pool2d(x, self.pool, self.stride)
        ones = torch.ones_like(x[:, :1])
        sums = F.avg_pool2d(_pad_same(x, self.pool, self.stride, (1, 1)), self.pool, self.stride, divisor_override=1)
        counts = F.avg_pool2d(_pad_same(ones, self.pool, self.stride, (1, 1)), self.pool, self.stride, divisor_override=1)
        return sums / counts


class UpSampling2D(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.size = _pair(c.get('size', 2))
        self.mode = c.get('interpolation', 'nearest')

    def forward(self, x):
        if self.mode == 'nearest':
            return x.repeat_interleave(self.size[0], dim=2).repeat_interleave(self.size[1], dim=3)
        return legacy_bilinear(x, x.shape[2] * self.size[0], x.shape[3] * self.size[1])


def legacy_bilinear(x, out_h, out_w):
    """tf.image.resizeBilinear without half-pixel centres (what tfjs's UpSampling2D calls):
    output pixel i reads source i * in / out, blended with its right/lower neighbour."""
    def axis(n_in, n_out):
        src = torch.arange(n_out, dtype=torch.float32, device=x.device) * (n_in / n_out)
        lo = src.floor().long().clamp(max=n_in - 1)
        hi = (lo + 1).clamp(max=n_in - 1)
        return lo, hi, (src - lo.float()).to(x.dtype)
    top, bottom, fy = axis(x.shape[2], out_h)
    left, right, fx = axis(x.shape[3], out_w)
    rows = x[:, :, top] + (x[:, :, bottom] - x[:, :, top]) * fy.view(1, 1, -1, 1)
    return rows[:, :, :, left] + (rows[:, :, :, right] - rows[:, :, :, left]) * fx.view(1, 1, 1, -1)


class ZeroPadding2D(nn.Module):
    def __init__(self, c):
        super().__init__()
        p = c.get('padding', 1)
        if isinstance(p, int):
            p = [[p, p], [p, p]]
        elif isinstance(p[0], int):
            p = [[p[0], p[0]], [p[1], p[1]]]
        self.pads = (p[1][0], p[1][1], p[0][0], p[0][1])

    def forward(self, x):
        return F.pad(x, self.pads)


class Flatten(nn.Module):
    """Keras flattens channels-last: H, W, C order, so the dense weights after it still fit."""

    def __init__(self, c):
        super().__init__()

    def forward(self, x):
        return (x.permute(0, 2, 3, 1) if x.dim() == 4 else x).reshape(x.shape[0], -1)


class Rescaling(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.scale, self.offset = c.get('scale', 1.0), c.get('offset', 0.0)

    def forward(self, x):
        return x * self.scale + self.offset


class CropToMatch(nn.Module):
    """The studio's U-Net layer: crop [x, ref] to ref's height and width (top-left kept), or pad with zeros one short."""

    def __init__(self, c):
        super().__init__()

    def forward(self, xs):
        x, ref = xs
        h, w = ref.shape[2], ref.shape[3]
        y = x[:, :, :h, :w]
        if y.shape[2] < h or y.shape[3] < w:
            y = F.pad(y, (0, w - y.shape[3], 0, h - y.shape[2]))
        return y


LAYER_BUILDERS = {cls.__name__: cls for cls in [
    Conv2D, DepthwiseConv2D, BatchNormalization, ReLU, Activation, Add, Concatenate, Dense, Dropout,
    GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, AveragePooling2D, UpSampling2D,
    ZeroPadding2D, Flatten, Rescaling, CropToMatch,
]}


def _variance_scaling(tensor, init, fan_in, fan_out):
    """Keras's VarianceScaling family (he_normal, glorot_uniform...) from a serialized initializer."""
    cfg = init.get('config', {}) if isinstance(init, dict) else {}
    name = init.get('class_name', 'VarianceScaling') if isinstance(init, dict) else 'VarianceScaling'
    preset = {'HeNormal': (2.0, 'fan_in', 'normal'), 'HeUniform': (2.0, 'fan_in', 'uniform'),
              'GlorotNormal': (1.0, 'fan_avg', 'normal'), 'GlorotUniform': (1.0, 'fan_avg', 'uniform'),
              'LeCunNormal': (1.0, 'fan_in', 'normal')}.get(name)
    scale, mode, dist = preset or (cfg.get('scale', 1.0), cfg.get('mode', 'fan_avg'), cfg.get('distribution', 'uniform'))
    fan = {'fan_in': fan_in, 'fan_out': fan_out}.get(mode, (fan_in + fan_out) / 2)
    with torch.no_grad():
        if dist == 'uniform':
            limit = (3 * scale / fan) ** 0.5
            tensor.uniform_(-limit, limit)
        else:
            std = (scale / fan) ** 0.5
            nn.init.trunc_normal_(tensor, 0.0, std, -2 * std, 2 * std)


def keras_init(module, config):
    """Fresh weights as the layer's Keras config asks (fastai's zero-gamma residual batch norm included)."""
    with torch.no_grad():
        if isinstance(module, BatchNormalization):
            zero = (config.get('gamma_initializer') or {}).get('class_name') == 'Zeros'
            if module.weight is not None:
                module.weight.fill_(0.0 if zero else 1.0)
            if module.bias is not None:
                module.bias.zero_()
            module.running_mean.zero_()
            module.running_var.fill_(1.0)
        elif isinstance(module, (Conv2D, Dense)):
            w = module.weight
            receptive = w[0, 0].numel() if w.dim() == 4 else 1
            fan_in, fan_out = w.shape[1] * receptive, w.shape[0] * receptive
            if isinstance(module, DepthwiseConv2D):
                fan_in, fan_out = receptive, receptive * module.multiplier
            key = 'depthwise_initializer' if isinstance(module, DepthwiseConv2D) else 'kernel_initializer'
            _variance_scaling(w, config.get(key) or {}, fan_in, fan_out)
            if module.bias is not None:
                module.bias.zero_()
