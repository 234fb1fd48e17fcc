"""fastai's console epoch table (fastprogress): columns as wide as their names, at least 8,
two spaces apart; losses and metrics with 6 decimals, time as mm:ss."""
import math


def format_time(seconds):
    t = round(seconds)
    h, m, s = t // 3600, (t % 3600) // 60, t % 60
    return f'{h}:{m:02d}:{s:02d}' if h else f'{m:02d}:{s:02d}'


def format_stat(v):
    return 'nan' if v is None or (isinstance(v, float) and math.isnan(v)) else f'{v:.6f}'


class EpochTable:
    def __init__(self, metric_names, write):
        self.metric_names, self.write = list(metric_names), write
        self.names = ['epoch', 'train_loss', 'valid_loss', *self.metric_names, 'time']
        self.widths = [max(8, len(n)) for n in self.names]

    def _line(self, cells):
        return '  '.join(c.ljust(w) for c, w in zip(cells, self.widths)).rstrip()

    def header(self):
        self.write(self._line(self.names))

    def row(self, rec):
        values = [rec['trainLoss'], rec['validLoss'], *[rec['metrics'].get(m) for m in self.metric_names]]
        self.write(self._line([str(rec['epoch'])] + [format_stat(v) for v in values] + [format_time(rec['seconds'])]))
