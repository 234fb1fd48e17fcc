"""torchrun, runnable where the installed one is broken: `python3 launch.py --nproc_per_node N train.py ...`
takes exactly torchrun's arguments.

Debian's python3-torch 1.13 on Python 3.11 cannot start torchrun at all: its Std.from_str looks
the value up by iterating an IntFlag, and Python 3.11 no longer yields the zero flag (nor
combined ones) when iterating, so the default "--redirects 0" becomes None and the launcher
fails before any worker starts. This reads the value as the flag it is, then runs torchrun's main.
"""
import re

from torch.distributed.elastic.multiprocessing import api


def _std_from_str(cls, text):
    if re.fullmatch(r'\d', text):
        return cls(int(text))
    return {int(i): cls(int(v)) for i, v in (part.split(':') for part in text.split(','))}


api.Std.from_str = classmethod(_std_from_str)

if __name__ == '__main__':
    from torch.distributed.run import main
    main()
