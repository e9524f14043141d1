"""A trial of a model that labels every chromosome of a cluster at once: K sigmoid maps, one per chromosome (K = 4), matched to
the true chromosomes by the cheapest permutation (a permutation-invariant loss), so that a cluster of three or four needs no
peeling. The SegNet body starts from the shipped model; only its last 1x1 convolution is new (`model.InstanceSegNet`, loss
`model.InstanceCrossentropy`). `separate --instances OUT` asks it about the objects the pair model was asked about
(`instances.instance_looks`).

Training data: fresh images of the training chromosomes of RUN (its config, pair file and split), as `train --online` makes
them; clusters laid as on a slide (a chain or a star, `PairMaker(cluster_labels="chain")`) but labelled a bit per chromosome.

    python bench/instance_trial.py --like runs/shipped-seed5 --out runs/instances --minutes 95
    python bench/instance_trial.py --like runs/shipped-seed5 --out runs/instances --minutes 95 --resume

`--from-trial DIR` starts from another trial's best model (its maps too) with a fresh optimizer and history, to train it on
another mix: `runs/instances-c06` is the shipped instance model's trial trained on with more clusters (`--clusters 0.6`).

`--val-metaphase K` makes its validation images of one training metaphase's chromosomes, left out of its bank: without it
they are made of the training chromosomes themselves, so a lower validation loss says nothing of chromosomes it never saw
(`runs/instances-c06` and `runs/instances-more` lowered theirs and found fewer held-out clusters). Index 10 of `runs/like` is
metaphase 14 (27 chromosomes), no held-out benchmark slide's:

    python bench/instance_trial.py --like runs/like --out runs/instances-val14 --val-metaphase 10 --minutes 95 --patience 14

`--bend S` bends a share S of the chromosomes it lays, each drawn afresh (`bend_view`: across its long axis by a smooth curve
of up to 0.12 of its length, its width kept), so that the bank's few hundred shapes are seen in more; its validation images
are left unbent. `runs/instances-bend` is the shipped trial trained on so (`--from-trial runs/instances-long --lr 1.5e-4
--bend 0.5`), `runs/instances-more` the same without it; `runs/instances-bend-scratch` the shipped trial's own recipe with
`--bend 0.5`. Neither found more of the held-out slides' clusters (CHANGES.md). `--resume` goes on with the trial's own.

Each epoch's line and history.csv say on what share of the validation images each map lights (`lit_shares`): the shipped
instance model's second map (`runs/instances-long`) lights on none of them, nor on any of 85 objects of ten held-out
slides, so it answers three chromosomes at most and a cluster of four never whole. `--relight` (with `--from-trial`) gives such a dark map
the weights of the map lit on the fewest images, plus noise, before training; `--body frozen` trains the maps' last 1x1
convolution alone (the body as it was):

    python bench/instance_trial.py --like runs/like --out runs/instances-relit-maps --from-trial runs/instances-shipped --relight --body frozen --lr 1e-3 --patience 6 --minutes 25

(`runs/instances-shipped`: a folder holding the shipped weights as model.keras and a trial.json whose "args" are {}.)
`--absent-dice off` charges a map matched to no chromosome its cross-entropy alone (`InstanceCrossentropy(absent_dice=False)`):
with the Dice term, any glow of a map kept for a fourth chromosome costs as much as a whole chromosome missed, on every
image of fewer, and the map goes dark for good. Started afresh from the pair model's body, the shipped recipe lost a map
in its fifth epoch (`runs/instances-fresh4`, `--clusters 0.5 --seed 1`); with `--absent-dice off` all four stayed lit
(`runs/instances-reserve`, CHANGES.md says how it scored):

    python bench/instance_trial.py --like runs/like --out runs/instances-reserve --absent-dice off --clusters 0.5 --seed 1 --minutes 95 --patience 14

With the body frozen the relit map went dark again within four epochs; trained whole (`--relight --lr 3e-4`,
`runs/instances-relit`) it stayed lit on about a fifth of the validation images, as the map it was copied from, but in 27
epochs its validation loss came down only to 0.125 (the shipped model's 0.122) and it found fewer held-out clusters
(CHANGES.md): a fourth map is a recipe to start from the pair model's body, not a repair.

`--skirt PX` lays each chromosome down with PX pixels (at the slide's scale) of the light around it, as the benchmark's
composed slides (`synthetic.COMPOSE_SKIRT`, 3) and real slides hold it, and cuts each image as `separate` cuts an object: off
the chromosomes, light under `--cut-below` (0.3) of the grey level goes, and where two lie close their skirts add up over it
and stay, as in a slide's object. Without it a chromosome is cut at its outline, a cliff, and two touching meet in a dark
valley that real ones do not show (on twenty held-out slides composed so, cut at the outline, the shipped models found 68.8%
of the chromosomes of clusters of four and every touching pair, 58.8% and 96 to 99% with the light around them):

    python bench/instance_trial.py --like runs/like --out runs/skirt-val --absent-dice off --val-metaphase 10 --skirt 3 --minutes 100 --patience 14

`--zoom Z --size H W` cut its chromosomes at another scale than RUN's, on a larger canvas (`separate` cuts an instance
model's crops at its own zoom, which config.json in OUT records; `--resume` goes on at the trial's). Tried on this CPU at
zoom 0.5 on 128x128 (`runs/instances-z05`, CHANGES.md): its validation loss lagged at first, then caught up with the trial
at RUN's 0.35, but in 78 epochs it found fewer chromosomes of clusters than the shipped model.

`--slide-crops NPZ` draws a share of the training images (`--slide-share`, 0.5) from a bank of objects cut out as `separate`
sees them (`bench/slide_crops.py`: slides composed of RUN's training chromosomes, their objects found by `find_objects`, the
slide's grey scaled as `separate` scales it, each object cut at the model's zoom with its truth a bit per chromosome), each
turned and laid anywhere on the canvas; the crops of its last tenth of slides join the validation images. `PairMaker` lays
chromosomes on an empty canvas, and what a model finds depends on how alike its images and a slide's objects are (the light
around the chromosomes alone moved clusters of four by four points). `--resume` goes on with the trial's own bank and share
(another one refused: its validation images would change under it):

    python bench/slide_crops.py --like runs/like --out runs/slide-crops.npz --slides 360
    python bench/instance_trial.py --like runs/like --out runs/slide-i4 --from-trial pretrained:instances4 --absent-dice off --slide-crops runs/slide-crops.npz --lr 1.5e-4 --patience 14 --minutes 85

`--overlap add` lays every overlap with the two chromosomes' light added, as fluorescence adds it (on the benchmark's slides,
composed so, a true overlap is about 1.7 times as bright as a single). RUN's recipe (the shipped pair model's, `--overlap both`)
lays half of them opaque, the brighter chromosome showing alone: there a small chromosome lying on a larger one all but
vanishes while its truth still names it, and such a small, mostly covered chromosome is what the instance models miss
most (`bench/slide_benchmark.py`'s `found_by_hiding`):

    python bench/instance_trial.py --like runs/like --out runs/i4-add --from-trial pretrained:instances4 --overlap add --absent-dice off --lr 1.5e-4 --patience 14 --minutes 95

Trained so on the CPU, `pretrained:instances4` found fewer held-out chromosomes of clusters, but so did its twin trained with
RUN's `--overlap both` with the same seed (`runs/i4-both`, CHANGES.md): a few epochs of this CPU move the GPU-trained model
more than the overlap's light does. A recipe from the pair model's body with it waits for a GPU (`bench/gpu_instance_trials.sh`,
SET=add).

On a GPU (`bench/gpu_instance_trials.sh`: three trials at once on one H100, JAX, each making its images in four processes,
`--processes 4`; one Python process makes about 430 a second, the GPU trains about 2,600 a second for each of the three):
the shipped recipe with ten times its images an epoch (`--images 30120`) for 9 minutes (`runs/gpu-shipped`, 25 epochs, 753,000
images, three and a half times the shipped model's) came down to a validation loss of 0.109 (the shipped one's 0.122) and found
fewer of the held-out clusters' chromosomes; with `--absent-dice off` (`runs/gpu-lit`) all four maps lit and it scored about as
the shipped one (CHANGES.md). `--resume` goes on with such a trial on the CPU (its seed too).
"""
import argparse, csv, dataclasses, json, multiprocessing, os, shutil, sys, threading, time
from pathlib import Path

import numpy as np
from scipy import ndimage
from scipy.interpolate import CubicSpline

from segnet_chromosome.core import InUseError, as_float_images, atomic_path, claim, write_atomic
from segnet_chromosome.config import OneLineParser, TrainConfig, number_type
from segnet_chromosome.data import open_pairs
from segnet_chromosome.generate import FRESH_SCALES, PairRecipe
from segnet_chromosome.fresh import PairMaker
from segnet_chromosome.runs import read_split, training_chromosomes
from segnet_chromosome.sources import pretrained_card, shipped_path
from segnet_chromosome.slide import bounding_box
# Keras (and the modules that load it) is imported by `fit` alone: a refused flag is said at once, not after TensorFlow's start-up

def membership_labels(masks):
    "Membership bits (H, W) uint8 from chromosome masks (n, H, W) bool: bit k where chromosome k lies."
    masks = np.asarray(masks, bool)
    return np.sum([m.astype(np.uint8) << k for k, m in enumerate(masks)], axis=0).astype(np.uint8)


def bend_view(grey, mask, rng, *, strength=0.12, knots=4):
    """A chromosome's `grey` (h, w) float32 and `mask` (h, w) bool bent across its long axis, widths kept: each pixel moves along the
    normal by a smooth curve of its place along the axis (a cubic spline through `knots` offsets drawn uniformly within `strength`
    times its length, their mean taken off). Returns grey (h', w') float32 (zero outside the mask) and mask (h', w') bool, cut to it."""
    pts = np.argwhere(mask).astype(float)
    centre = pts.mean(0); centred = pts - centre
    axis = np.linalg.eigh(centred.T @ centred)[1][:, -1]; normal = np.array([-axis[1], axis[0]])
    along = centred @ axis; lo, hi = along.min(), max(along.max(), along.min() + 1)
    offsets = rng.uniform(-strength, strength, knots) * (hi - lo); offsets -= offsets.mean()
    shift_of = CubicSpline(np.linspace(lo, hi, knots), offsets)
    pad = int(np.ceil(np.abs(shift_of(np.linspace(lo, hi, 64))).max())) + 2
    g, m = np.pad(grey, pad), np.pad(mask.astype(np.float32), pad)
    rr, cc = np.indices(g.shape, dtype=float)
    shift = shift_of(np.clip((rr - pad - centre[0]) * axis[0] + (cc - pad - centre[1]) * axis[1], lo, hi))
    where = [rr - shift * normal[0], cc - shift * normal[1]]  # the pixel each output pixel is read from
    bent = ndimage.map_coordinates(m, where, order=1) > 0.5
    box = bounding_box(bent)
    return (ndimage.map_coordinates(g, where, order=1) * bent)[box].astype(np.float32), bent[box]


class ChainMembershipMaker(PairMaker):
    """A `PairMaker` whose clusters are laid as chains or stars (as on a slide) and labelled a bit per chromosome (`membership_labels`);
    with `bend` a share of the chromosomes it lays are bent first (`bend_view`), drawn from the generator of the batch being made.
    `skirt` and `cut_below` are `PairMaker`'s: a bank cut with the light around its chromosomes laid down with it, each image then
    cut as `separate` cuts an object."""
    label_chain = staticmethod(membership_labels)
    def __init__(self, *args, bend=0.0, **kw):
        super().__init__(*args, cluster_labels="chain", **kw)
        self.bend, self._drawing = bend, threading.local()  # batches are made in threads: each its own generator

    def make(self, n, rng):
        self._drawing.rng = rng
        return super().make(n, rng)

    def view(self, c, angle, scale):
        g, m, pixels = super().view(c, angle, scale)
        rng = getattr(self._drawing, "rng", None)
        if not self.bend or rng is None or rng.random() >= self.bend: return g, m, pixels
        g, m = bend_view(g, m, rng)
        return g, m, np.argwhere(m)


class WithSlideCrops:
    """A maker whose images are, a `share` of them (drawn per image), crops of objects as `separate` sees them
    (`bench/slide_crops.py`: `images` and `labels` (N, H, W) uint8, membership bits, centred on the canvas), each turned by a
    random symmetry of the square and laid at a random place on the canvas; the rest are `maker`'s. The same images for the
    same `rng`."""
    def __init__(self, maker, images, labels, share):
        H, W = self.size = maker.size
        ink = (images > 0) | (labels > 0)
        bounds = lambda a: (a.argmax(1), a.shape[1] - a[:, ::-1].argmax(1))  # (N, L) bool: first and past-last index inked
        (r0, r1), (c0, c1) = bounds(ink.any(2)), bounds(ink.any(1))  # each crop's box, wherever on its canvas, found once
        fits = (r1 - r0 <= H) & (c1 - c0 <= W)
        if not fits.any(): raise ValueError(f"none of its crops fits the trial's {H}x{W} canvas: make them with the same --like")
        self.maker, self.images, self.labels, self.share = maker, images[fits], labels[fits], share
        self.boxes = np.stack([r0, r1, c0, c1], 1)[fits]

    def crop(self, j, rng):
        "Crop `j` (grey, labels), cut to its box, turned by a random symmetry that fits the canvas."
        r0, r1, c0, c1 = self.boxes[j]
        im, lab = self.images[j, r0:r1, c0:c1], self.labels[j, r0:r1, c0:c1]
        if rng.random() < 0.5 and im.shape[1] <= self.size[0] and im.shape[0] <= self.size[1]: im, lab = im.T, lab.T  # (where it fits turned)
        turn = (slice(None, None, rng.choice((1, -1))), slice(None, None, rng.choice((1, -1))))
        return im[turn], lab[turn]

    def placed(self, j, rng):
        "Crop `j` turned and laid at a random place on an empty canvas: (grey (H, W) uint8, labels (H, W) uint8)."
        im, lab = self.crop(j, rng)
        r, c = rng.integers(self.size[0] - im.shape[0] + 1), rng.integers(self.size[1] - im.shape[1] + 1)
        grey, labels = np.zeros(self.size, np.uint8), np.zeros(self.size, np.uint8)
        grey[r:r + im.shape[0], c:c + im.shape[1]] = im; labels[r:r + im.shape[0], c:c + im.shape[1]] = lab
        return grey, labels

    def every(self, rng):
        "Every crop once, `placed`: (images (N, H, W) uint8, labels (N, H, W) uint8)."
        laid = [self.placed(j, rng) for j in range(len(self.images))]
        return np.array([g for g, _ in laid]), np.array([lab for _, lab in laid])

    def make(self, n, rng):
        images, labels, ids = self.maker.make(n, rng)
        for k in np.flatnonzero(rng.random(n) < self.share):
            (images[k], labels[k]), ids[k] = self.placed(rng.integers(len(self.images)), rng), -1
        return images, labels, ids


def read_slide_crops(path, *, val_share=0.1):
    """The crops of a bank of `bench/slide_crops.py` split by composed slide: (training images, labels), (validation images,
    labels), the validation ones those of its last `val_share` of slides (never drawn in training)."""
    with np.load(path) as f: images, labels, slides = f["images"], f["labels"], f["slides"]
    cut = np.quantile(np.unique(slides), 1 - val_share)
    val = slides > cut
    return (images[~val], labels[~val]), (images[val], labels[val])


_POOLED = None  # the maker a process of `PooledMaker`'s pool makes batches with (inherited when it is forked)

def _make_in_pool(n, rng):
    images, labels, _ = _POOLED.make(n, rng)
    return images, labels, None


class PooledMaker:
    """A maker whose batches are made in `processes` processes forked from this one before Keras starts (JAX and TensorFlow
    are not safe to fork once started), for a GPU that trains faster than one Python process makes images. `make(n, rng)`
    returns what `maker.make(n, rng)` would (rng travels pickled: the same images for the same (seed, epoch, batch)),
    but for the pairs' ids (None). The `OnlinePairSequence` threads that call it only wait."""
    def __init__(self, maker, processes):
        global _POOLED
        _POOLED, self.size = maker, maker.size
        self.pool = multiprocessing.get_context("fork").Pool(processes)

    def make(self, n, rng): return self.pool.apply(_make_in_pool, (n, rng))

    def close(self): self.pool.terminate()


def lit_shares(model, x, *, min_pixels=10):
    """The share of images `x` (n, H, W, 1) float32 on which each of an instance model's maps lights (over one half on at least
    `min_pixels` pixels): (K,) float. A map lit on none is dark: it answers no chromosome, and K - 1 maps cannot answer a
    cluster of K (the shipped model's second map, `runs/instances-long`, lit on none of 200 fresh clusters)."""
    p = model.predict(x, verbose=0, batch_size=32)
    return ((p > 0.5).sum(axis=(1, 2)) >= min_pixels).mean(0)


def relight(model, lit, rng, *, noise=0.05):
    """Give each dark map of `model` (`lit`, its `lit_shares`, 0) the weights of its layer "instances" of the map lit on the fewest
    images but some (the last chromosome's), plus Gaussian noise of `noise` times their spread, so that the loss can tell them
    apart. Returns the dark maps' indices and the donor's (None when none is dark, or none lit)."""
    dark, lit_ones = [k for k, v in enumerate(lit) if v == 0], [k for k, v in enumerate(lit) if v > 0]
    if not dark or not lit_ones: return [], None
    donor = min(lit_ones, key=lambda k: lit[k])
    layer = model.get_layer("instances"); kernel, bias = layer.get_weights()
    for k in dark:
        kernel[..., k] = kernel[..., donor] + rng.normal(0, noise * kernel[..., donor].std(), kernel[..., donor].shape)
        bias[k] = bias[donor]
    layer.set_weights([kernel, bias])
    return dark, donor


def fail(message):
    "One line on stderr that names the problem and the fix, exit status 2 (bad input)."
    print(message, file=sys.stderr); sys.exit(2)

def same_file(a, b):
    "Whether paths `a` and `b` name one file (the same path, or two paths of one existing file)."
    return Path(a) == Path(b) or (Path(a).exists() and Path(b).exists() and os.path.samefile(a, b))

MIX = dict(clusters=0.4, touching=0.2, singles=0.05)  # the default shares of a trial's images: clusters, touching pairs, singles


def main(argv=None):
    ap = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    share = number_type(float, 0, 1, high_open=False)
    ap.add_argument("--like", required=True, help="a run whose config, pair file and split give the training chromosomes")
    ap.add_argument("--out", required=True, help="the trial's directory (model.keras, history.csv, trial.json)")
    ap.add_argument("--minutes", type=number_type(float, 0), default=95, help="stop after the epoch that passes this many minutes")
    ap.add_argument("--clusters", type=share, help=f"share of clusters of three or four, laid as chains or stars (default {MIX['clusters']}; with --resume the trial's)")
    ap.add_argument("--touching", type=share, help=f"share of the pairs that touch without overlapping (default {MIX['touching']}; with --resume the trial's)")
    ap.add_argument("--bend", type=share, help="share of the chromosomes laid that are bent first (bend_view: across the long axis by "
                    "up to 0.12 of their length, widths kept), so that the bank's few hundred shapes are seen in more (default 0; "
                    "with --resume the trial's own)")
    ap.add_argument("--singles", type=share, help=f"share of single chromosomes alone (default {MIX['singles']}; with --resume the trial's)")
    ap.add_argument("--lr", type=number_type(float, 0, low_open=True), help="Adam's learning rate (default 3e-4; with --resume the one the trial "
                    "had reached, which a given --lr replaces), halved after patience/2 epochs without a better one")
    ap.add_argument("--patience", type=number_type(int, 1), help="epochs without a better validation loss before it stops (default 10; with --resume the trial's)")
    ap.add_argument("--seed", type=number_type(int, 0), help="draws its images (default 0; with --resume the trial's own)")
    ap.add_argument("--init-from", help="the pair model whose body a new instance model starts from (default 'pretrained'; not with "
                    "--resume or --from-trial, which go on from a trial's own model)")
    ap.add_argument("--images", type=number_type(int, 1), help="fresh images an epoch (default: as many as RUN's training pairs; "
                    "with --resume the trial's, which a given --images replaces)")
    ap.add_argument("--processes", type=number_type(int, 1), help="make the training images in this many processes, forked before Keras "
                    "starts (default: two threads of this one, as on a CPU, where the model is the slower; on a GPU one process cannot "
                    "make images as fast as it trains: give the cores, less one or two)")
    ap.add_argument("--resume", action="store_true", help="go on with the trial in --out after its last epoch")
    ap.add_argument("--from-trial", metavar="DIR", help="start from another trial's best model (its maps too), with a fresh optimizer and history "
                    "(to train it on another mix, e.g. more --clusters); its zoom and canvas are kept unless --zoom is given (its canvas always); "
                    "'pretrained:instances4' (or 'pretrained:instances'): the shipped instance model, its trial as its card records it")
    ap.add_argument("--relight", action="store_true", help="with --from-trial: a map that lights on none of the validation images "
                    "(a dark map, which no chromosome can light again) starts from the weights of the map lit on the fewest, plus noise")
    ap.add_argument("--absent-dice", choices=("on", "off"), help="'off' (default 'on'; --resume: the trial's): a map matched to no chromosome costs its cross-entropy alone, "
                    "no Dice term (model.InstanceCrossentropy's absent_dice), so that a map kept for a fourth chromosome is not pushed dark on every image of fewer")
    ap.add_argument("--overlap", choices=("add", "opaque", "both"), help="where chromosomes lie on each other: their light adds, as "
                    "fluorescence does (and the benchmark's composed slides: a true overlap about 1.7 times a single's light), the brighter "
                    "shows ('opaque': a small chromosome lying on a larger one all but vanishes), or each in turn (default: RUN's; "
                    "--resume: the trial's)")
    ap.add_argument("--body", choices=("train", "frozen"), default="train", help="'frozen': only the maps' last 1x1 convolution learns "
                    "(the body as the model it starts from; fewer weights to fit the bank's few hundred chromosomes by heart)")
    ap.add_argument("--val-metaphase", type=number_type(int, 0), metavar="K", help="make the validation images of the chromosomes of RUN's "
                    "training metaphase K (its index in RUN's config.json `metaphase`), left out of the training bank, so that the best epoch "
                    "is chosen on chromosomes the model never saw (default: of the training chromosomes, as before)")
    ap.add_argument("--zoom", type=number_type(float, 0, 4, low_open=True, high_open=False), help="scale its chromosomes are cut at (default: RUN's; "
                    "separate cuts its crops at the trial's own, which config.json in OUT records)")
    ap.add_argument("--skirt", type=number_type(int, 0, 20, high_open=False), metavar="PX", help="lay each chromosome down with PX pixels "
                    "(at the slide's scale) of the light around it, as the benchmark's slides and real ones hold it, and cut each image as "
                    "separate cuts an object, under --cut-below where no chromosome lies (default 0: cut at its outline, a cliff; "
                    "with --resume the trial's own)")
    ap.add_argument("--cut-below", type=number_type(float, 0, 1, low_open=True), default=0.3, help="with --skirt: the slide's threshold, "
                    "as a share of the grey level (a chromosome's outline lies at about 0.3 of it on the shared slides)")
    ap.add_argument("--slide-crops", metavar="NPZ", help="a bank of objects cut out as separate sees them on composed slides of RUN's training "
                    "chromosomes (bench/slide_crops.py); --slide-share of the training images are drawn from it, turned and shifted, and "
                    "its last slides' crops join the validation images")
    ap.add_argument("--slide-share", type=share, help="with --slide-crops: the share of the training images drawn from it (default 0.5; "
                    "with --resume the trial's own)")
    ap.add_argument("--size", type=number_type(int, 16), nargs=2, metavar=("H", "W"), help="the images' canvas (default: RUN's pairs'); "
                    "a larger zoom needs a larger one for clusters of four to fit")
    a = ap.parse_args(argv)
    like, out = Path(a.like), Path(a.out)
    missing = [name for name in ("config.json", "pairs.h5", "split.npz") if not (like / name).is_file()]
    if missing: fail(f"--like {like}: no {', '.join(missing)} there; name a run of `segnet-chromosome train` (e.g. runs/shipped-seed5)")
    if (out / "trial.json").exists() and not a.resume: fail(f"{out} holds a trial already; give another --out, or --resume to go on with it")
    if a.resume and not (out / "last.keras").exists(): fail(f"{out} has no trial to resume (no last.keras); leave out --resume")
    if a.from_trial and a.resume: fail("--from-trial starts a trial afresh from another's model; --resume goes on with --out's: give one of them")
    if a.slide_crops and not Path(a.slide_crops).is_file(): fail(f"--slide-crops {a.slide_crops}: no such file; make one with bench/slide_crops.py --like {like}")
    if a.slide_share is not None and not a.slide_crops and not a.resume: fail("--slide-share is the share drawn from --slide-crops: give --slide-crops NPZ with it")
    if a.init_from and (a.resume or a.from_trial):  # (it would be ignored: the model is the trial's own)
        fail(f"--init-from starts a new instance model from a pair model; {'--resume' if a.resume else '--from-trial'} goes on from a trial's own model: give one of them")
    if a.relight and not a.from_trial: fail("--relight gives a dark map of another trial's model new weights: give --from-trial DIR with it")
    if a.from_trial:
        source = a.from_trial
        try: was = trial_record(source)["args"]
        except (OSError, ValueError, KeyError, TypeError) as e: fail(f"--from-trial {source}: no readable trial record there ({e!r}); name a trial of this script or 'pretrained:instances4'")
        trained_at = was.get("size") or "RUN's canvas"
        if a.size is not None and list(a.size) != list(was.get("size") or []):  # its input is the size it was built at
            fail(f"--size {' '.join(map(str, a.size))}: {source} was trained at {trained_at}; leave --size out to go on at it")
        if a.val_metaphase is not None and a.val_metaphase != was.get("val_metaphase"):  # its model saw that metaphase's chromosomes
            fail(f"--val-metaphase {a.val_metaphase}: {source} was trained on that metaphase's chromosomes, so they are no unseen ones to it; "
                 "start afresh, or from a trial validated on it")
        if not trial_model_file(source).is_file(): fail(f"--from-trial {source}: no model.keras there; name a trial that has finished an epoch")
        for flag in ("zoom", "size"):
            if getattr(a, flag) is None: setattr(a, flag, was.get(flag))
        a.init_from = was.get("init_from")                          # (its model began there)
    if a.resume:  # the scale and canvas it was trained at go on (a trial before these flags: RUN's)
        try: was = json.loads((out / "trial.json").read_text())["args"] if (out / "trial.json").exists() else {}
        except (OSError, ValueError, KeyError, TypeError) as e: fail(f"{out / 'trial.json'}: unreadable ({e!r}); give another --out to start afresh")
        for flag in ("zoom", "size"):
            given, trained = getattr(a, flag), was.get(flag)
            if given is not None and (trained is None or list(np.atleast_1d(given)) != list(np.atleast_1d(trained))):
                at = "RUN's" if trained is None else trained
                fail(f"--{flag} {given}: {out} was trained at {at}; leave --{flag} out to go on at it, or give another --out")
            setattr(a, flag, given if given is not None else trained)
        if a.val_metaphase is not None and a.val_metaphase != was.get("val_metaphase"):
            k = was.get("val_metaphase")
            fail(f"--val-metaphase {a.val_metaphase}: {out} was validated {'on its training chromosomes' if k is None else f'with --val-metaphase {k}'}; leave it out to go on so")
        a.val_metaphase, a.init_from = was.get("val_metaphase"), was.get("init_from")  # (its record keeps where it began)
        if a.bend is not None and a.bend != (was.get("bend") or 0.0):
            fail(f"--bend {a.bend}: {out} was trained with --bend {was.get('bend') or 0}; leave --bend out to go on so, or give another --out")
        a.bend = was.get("bend")
        if a.skirt is not None and a.skirt != (was.get("skirt") or 0):
            fail(f"--skirt {a.skirt}: {out} was trained with --skirt {was.get('skirt') or 0}; leave --skirt out to go on so, or give another --out")
        a.skirt = was.get("skirt")
        a.cut_below = was.get("cut_below", a.cut_below)
        if a.absent_dice not in (None, was.get("absent_dice") or "on"):
            fail(f"--absent-dice {a.absent_dice}: {out} was trained with --absent-dice {was.get('absent_dice') or 'on'}; leave it out to go on so")
        a.absent_dice = was.get("absent_dice") or "on"
        if a.overlap not in (None, was.get("overlap")):
            trained_with = "RUN's overlaps" if was.get("overlap") is None else f"--overlap {was['overlap']}"
            fail(f"--overlap {a.overlap}: {out} was trained with {trained_with}; leave it out to go on so, or give another --out")
        a.overlap = was.get("overlap")
        a.patience, a.images = a.patience or was.get("patience"), a.images or was.get("images")
        for flag, default in MIX.items():  # the make-up of its images, the validation ones too: changed, they would change under its best epoch
            trained = was.get(flag, default)
            if getattr(a, flag) not in (None, trained):
                fail(f"--{flag} {getattr(a, flag)}: {out} was trained with --{flag} {trained}; leave --{flag} out to go on so, or give another --out")
            setattr(a, flag, trained)
        if a.seed not in (None, was.get("seed") or 0):  # a trial's epochs after the resume drawn as its own were
            fail(f"--seed {a.seed}: {out} was trained with --seed {was.get('seed') or 0}; leave --seed out to go on so, or give another --out")
        a.seed = was.get("seed") or 0
        banked, banked_share = was.get("slide_crops"), was.get("slide_share")
        trained_on = f"on {banked} (--slide-share {banked_share})" if banked else "without --slide-crops"
        if a.slide_crops and not (banked and same_file(a.slide_crops, banked)):
            fail(f"--slide-crops {a.slide_crops}: {out} was trained {trained_on}; leave --slide-crops out to go on so, or give another --out")
        if a.slide_share is not None and a.slide_share != (banked_share if banked else None):
            fail(f"--slide-share {a.slide_share}: {out} was trained {trained_on}; leave --slide-share out to go on so, or give another --out")
        a.slide_crops, a.slide_share = banked, banked_share
        if banked and not Path(banked).is_file(): fail(f"{out} was trained on the bank {banked}, which is not there now; run from the folder it was named from, or make it again with bench/slide_crops.py")
        if a.body != (was.get("body") or "train"):
            fail(f"--body {a.body}: {out} was trained with --body {was.get('body') or 'train'}; give that, or another --out")
    a.bend, a.absent_dice, a.seed, a.skirt, a.patience = a.bend or 0.0, a.absent_dice or "on", a.seed or 0, a.skirt or 0, a.patience or 10
    a.init_from = a.init_from or "pretrained"
    for flag, default in MIX.items(): setattr(a, flag, default if getattr(a, flag) is None else getattr(a, flag))
    if a.skirt and a.bend: fail("--skirt with --bend: bend_view cuts a chromosome's light at its outline; give one of them")
    try:  # opened once, here: an unreadable one is said before the trial's folder is made
        pairs, split = open_pairs(like / "pairs.h5"), read_split(like / "split.npz")
        trained = sorted(set(pairs.metaphase_ids[split.train].ravel().tolist())) if pairs.metaphase_ids is not None else [0]
    except (OSError, ValueError) as e: fail(f"--like {like}: its pairs.h5 or split.npz is unreadable ({e.__class__.__name__}); name a finished run of `segnet-chromosome train`")
    if a.val_metaphase is not None and a.val_metaphase not in trained:
        fail(f"--val-metaphase {a.val_metaphase}: not one of RUN's training metaphases {trained} (indices in its config.json `metaphase`)")
    a.slide_share = 0.5 if a.slide_share is None else a.slide_share
    out.mkdir(parents=True, exist_ok=True)
    try:
        with claim(out): fit(a, like, out, pairs, split)
    except InUseError as e: fail(str(e))


def trial_record(spec):
    """The trial.json record of the trial `spec` names: a trial's folder, or a shipped instance model ('pretrained:instances4'),
    whose card keeps the record of the trial that made it (`trial`)."""
    if str(spec).startswith("pretrained:"): return pretrained_card(str(spec).partition(":")[2])["trial"]
    return json.loads((Path(spec) / "trial.json").read_text())


def trial_model_file(spec):
    "The best model's file of the trial `spec` names (a folder's model.keras, or the shipped model's weight file)."
    return shipped_path(str(spec).partition(":")[2]) if str(spec).startswith("pretrained:") else Path(spec) / "model.keras"


def save(model, path):
    "`model` saved to `path` whole: a crash while saving leaves the file before."
    with atomic_path(path) as tmp: model.save(tmp)


def fit(a, like, out, pairs, split):
    "Train the trial of `a` (the parsed flags) on RUN `like`'s training chromosomes (its `pairs` file and `split`) into `out`, claimed."
    # RUN's config, but for the zoom (`separate --instances OUT` cuts its crops as OUT's config.json says) and the light around
    # its chromosomes; online: a trial's images are fresh ones
    config = TrainConfig.from_json(like / "config.json")
    try: config = dataclasses.replace(config, zoom=a.zoom or config.zoom, online=True, skirt=a.skirt, cut_below=a.cut_below,
                                     overlap=a.overlap or config.overlap)
    except ValueError as e: fail(f"--like {like}: its config.json cannot make fresh images ({e}); name a run trained with --online")
    config.to_json(out / "config.json")                            # (written whole, as train writes it)
    shutil.copy(like / "split.npz", out / "split.npz")             # its chromosomes RUN's training ones (cut at its zoom)
    bank = training_chromosomes(config, pairs, split)
    val_bank = bank if a.val_metaphase is None else [c for c in bank if c.metaphase == a.val_metaphase]  # validated on unseen chromosomes
    bank = bank if a.val_metaphase is None else [c for c in bank if c.metaphase != a.val_metaphase]
    recipe = PairRecipe(tuple(a.size or (pairs.height, pairs.width)), config.min_overlap, config.overlap, FRESH_SCALES)
    maker = ChainMembershipMaker(bank, recipe, touching=a.touching, clusters=a.clusters, singles=a.singles, bend=a.bend, **config.fresh_light)
    crops, plain = read_slide_crops(a.slide_crops) if a.slide_crops else None, maker  # (validated on plain images, and the bank's own)
    if crops:
        try: maker = WithSlideCrops(maker, *crops[0], a.slide_share)
        except ValueError as e: fail(f"--slide-crops {a.slide_crops}: {e}")
    pooled = PooledMaker(maker, a.processes) if a.processes else None  # forked here, before Keras starts
    from segnet_chromosome.core import load_keras
    load_keras()
    import keras
    from segnet_chromosome.losses import InstanceCrossentropy
    from segnet_chromosome.model import InstanceSegNet, load_model_source
    from segnet_chromosome.pipeline import OnlinePairSequence, PairSequence
    from segnet_chromosome.train import to_model_size
    images, labels, _ = plain.make(1, np.random.default_rng(0))
    shape = to_model_size(config, images, labels)[0].shape[1:3]
    per_epoch = a.images or len(split.train)
    train = OnlinePairSequence(pooled or maker, per_epoch, 32, shape=shape, seed=a.seed, workers=a.processes or 2,
                               max_queue_size=max(8, 2 * (a.processes or 0)))
    val_maker = plain if val_bank is bank and not a.bend else ChainMembershipMaker(  # validated on chromosomes as the bank holds them
        val_bank, recipe, touching=a.touching, clusters=a.clusters, singles=a.singles, **config.fresh_light)
    vi, vl, _ = val_maker.make(max(len(split.val), 256), np.random.default_rng([a.seed, 2**31]))
    if crops:                                                       # and the bank's last slides' objects, each once
        ci, cl = WithSlideCrops(plain, *crops[1], 1.0).every(np.random.default_rng([a.seed, 2**31 + 1]))
        vi, vl = np.concatenate([vi, ci]), np.concatenate([vl, cl])
    vx, vy = to_model_size(config, vi, vl)
    val = PairSequence(vx, vy, 32, workers=1, membership=True)
    val_images = as_float_images(vx)[..., None]                    # (as PairSequence gives them)

    history = []
    if a.resume and (out / "history.csv").exists():
        with open(out / "history.csv") as f: history = list(csv.DictReader(f))
    if history:  # last.keras: the maps before the sigmoid, compiled, with the optimizer's state
        trained = keras.models.load_model(out / "last.keras")
        if a.lr is not None: trained.optimizer.learning_rate.assign(a.lr)  # (else its own: where the halvings left it)
        a.lr = float(trained.optimizer.learning_rate.numpy())
        model = keras.Model(trained.input, keras.layers.Activation("sigmoid", dtype="float32", name="sigmoid")(trained.output), name=trained.name)
        start = len(history)
    elif a.from_trial:  # another trial's best model, its maps included; a fresh optimizer
        model = keras.models.load_model(trial_model_file(a.from_trial), compile=False)
        if a.relight:
            dark, donor = relight(model, lit_shares(model, val_images), np.random.default_rng(a.seed))
            print(f"relit: map(s) {dark} from map {donor}" if dark else "relit: no map was dark", flush=True)
        trained = keras.Model(model.input, model.get_layer("instances").output, name=model.name)
        start = 0
    else:
        model = InstanceSegNet(tuple(shape) + (1,), preset=config.preset, dropout=config.dropout, init_from=load_model_source(a.init_from)[0])
        trained = keras.Model(model.input, model.get_layer("instances").output, name=model.name)  # the same layers, before the sigmoid
        start = 0
    a.lr = a.lr or 3e-4                                             # (a resumed trial's: its optimizer's, read above)
    if not history:                                                 # (trained on the maps before the sigmoid: a map clipped dark would stay dark)
        for layer in trained.layers: layer.trainable = a.body == "train" or layer.name == "instances"
        trained.compile(keras.optimizers.Adam(a.lr), InstanceCrossentropy(from_logits=True, absent_dice=a.absent_dice == "on"))
    best = min((float(r["val_loss"]) for r in history), default=np.inf)
    wait = 0 if not history else len(history) - 1 - int(np.argmin([float(r["val_loss"]) for r in history]))
    facts = dict(like=str(like), args=vars(a), per_epoch=per_epoch, shape=list(shape), bank=len(bank), validation_bank=len(val_bank),
                 backend=keras.backend.backend(), devices=[str(d) for d in keras.distribution.list_devices()])
    write_json = lambda **more: write_atomic(out / "trial.json", json.dumps({**facts, **more}, indent=2))
    write_json(finished=False)
    if a.from_trial and not history:  # where it starts: the other trial's model (relit) on this trial's validation images
        print(f"from {a.from_trial}: val {trained.evaluate(val, verbose=0):.4f}, maps lit {' '.join(f'{v:.2f}' for v in lit_shares(model, val_images))}", flush=True)
    began = time.time()
    print(f"trial: {len(bank)} training chromosomes ({len(val_bank)} validating{', --val-metaphase ' + str(a.val_metaphase) if a.val_metaphase is not None else ''}), {per_epoch} images an epoch, input {shape}, lr {a.lr:.3g}", flush=True)
    for epoch in range(start, 1000):
        train.epoch = epoch
        t0 = time.time()
        h = trained.fit(train, validation_data=val, epochs=1, verbose=0).history
        row = dict(epoch=epoch, loss=h["loss"][-1], val_loss=h["val_loss"][-1], lr=float(trained.optimizer.learning_rate.numpy()),
                   seconds=round(time.time() - t0, 1), lit=" ".join(f"{v:.2f}" for v in lit_shares(model, val_images)))
        history.append(row)
        with atomic_path(out / "history.csv") as tmp, open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(row)); w.writeheader(); w.writerows(history)
        save(trained, out / "last.keras")
        if row["val_loss"] < best:
            best, wait = row["val_loss"], 0
            save(model, out / "model.keras")
        else:
            wait += 1
            if wait and wait % max(1, a.patience // 2) == 0: trained.optimizer.learning_rate.assign(trained.optimizer.learning_rate * 0.5)
        print(f"epoch {epoch}: loss {row['loss']:.4f} val {row['val_loss']:.4f} ({row['seconds']} s) maps lit {row['lit']}{' *' if wait == 0 else ''}", flush=True)
        if wait >= a.patience: print("early stop"); break
        if (time.time() - began) / 60 > a.minutes: print("time budget spent"); break
    write_json(epochs=len(history), best_val_loss=best, finished=wait >= a.patience)
    if pooled: pooled.close()


if __name__ == "__main__":
    main()
