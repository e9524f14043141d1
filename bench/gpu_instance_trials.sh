#!/usr/bin/env bash
# Three trials of the instance model (bench/instance_trial.py) at once on one GPU, each for MINUTES, from the shipped
# recipe's run (runs/like, carried), with ten times its images an epoch made in four processes each. SET picks the three:
#   SET=first (run once, 5.5 minutes, then --resume 3.4 more: CHANGES.md)
#     shipped  the shipped instance model's recipe (seed 0), trained on far more images than the CPU could give it
#     lit      the same with every map kept lit (--absent-dice off), for clusters of four: shipped as pretrained:instances4
#     heldval  the same, bent shapes (--bend 0.5) and its best epoch chosen on a metaphase left out (--val-metaphase 10)
#   SET=next (7.5 minutes): the lit recipe in three draws (seeds 0, 1, 2), each
#     validated on metaphase 14's chromosomes, left out of its bank (--val-metaphase 10): which draw to ship is then chosen
#     on chromosomes none of them trained on, and how far a seed moves the recipe is seen
#   SET=skirt (default; 7.5 minutes, what the next lent GPU should run): that recipe with each chromosome laid with the light around it and each image cut as a slide's
#     object (--skirt 3), seeds 0 and 1, beside lit-val-s0 without it: whether training images that look as the slides do
#     find more of the held-out clusters (on the CPU runs/skirt-val found more than its twin without: CHANGES.md)
#   SET=add (7.5 minutes): the skirt recipe (seed 0) with every overlap's light added, as fluorescence and the slides add it
#     (--overlap add; runs/like, as the shipped pair model, lays half of them opaque, the brighter one showing, where a small
#     chromosome lying on a larger one all but vanishes), beside skirt-s0 and lit-val-s0 without it
#   SET=slide (7.5 minutes): trials on a bank of objects cut out as separate sees them (--slide-crops runs/slide-crops.npz,
#     carried: bench/slide_crops.py --like runs/like --out runs/slide-crops.npz --slides 360, 4 MB): the shipped
#     pretrained:instances4 trained on with it (--lr 1.5e-4, as runs/slide-i4 on the CPU), the lit recipe from the pair
#     model's body with it, and the same with the light around its laid chromosomes too (--skirt 3); validated on the
#     bank's last slides and the training chromosomes (the bank holds every training metaphase's: no --val-metaphase)
# Made for the device tool (a GPU machine with JAX, no TensorFlow and no Keras; nothing fetched there; ../shared not sent).
# Here, once:
#   printf '/.whl/\n/.shared-gz/\n' >> .git/info/exclude
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 -d .whl keras==3.15.1 namex==0.1.0 optree==0.20.0 pooch==1.9.0 platformdirs roifile==2026.2.10
#   mkdir -p .shared-gz && tar czf .shared-gz/data.tgz -C ../shared/data DAPI.tif jpp21   # the metaphases (22 MB), unpacked there
#   (runs/like: a one-epoch run of the shipped pair model's command, `--epochs 1`, its card's `command`)
# then run `bash bench/gpu_instance_trials.sh` there with `carry: [".whl", ".shared-gz", "runs/like"]` (timeout_s 570; SET=slide:
# `SET=slide bash bench/gpu_instance_trials.sh`, "runs/slide-crops.npz" carried too); each
# trial comes back as OUT/NAME.tar (model.keras, last.keras, history.csv, trial.json, config.json, its log). Compare one with
# the shipped instance model: `bench/slide_benchmark.py --policy P.json` with P's "instances" naming the unpacked folder.
set -u
SET=${SET:-skirt}; MINUTES=${MINUTES:-$([ "$SET" = first ] && echo 5.5 || echo 7.5)}; IMAGES=${IMAGES:-30120}; OUT=${OUT:-runs/gpu-trials}; mkdir -p "$OUT"; OUT=$(realpath "$OUT")
if [ -f .shared-gz/data.tgz ] && [ ! -f ../shared/data/DAPI.tif ]; then mkdir -p ../shared/data && tar xzf .shared-gz/data.tgz -C ../shared/data || exit 1; fi
[ -f ../shared/data/DAPI.tif ] || { echo "no ../shared/data/DAPI.tif: carry .shared-gz (see this file's header)" >&2; exit 2; }
if [ "$SET" = first ]; then
  declare -A FLAGS=([shipped]="" [lit]="--absent-dice off" [heldval]="--bend 0.5 --val-metaphase 10"); NAMES="shipped lit heldval"
elif [ "$SET" = next ]; then
  declare -A FLAGS=([lit-val-s0]="--absent-dice off --val-metaphase 10 --seed 0" [lit-val-s1]="--absent-dice off --val-metaphase 10 --seed 1"
                    [lit-val-s2]="--absent-dice off --val-metaphase 10 --seed 2"); NAMES="lit-val-s0 lit-val-s1 lit-val-s2"
elif [ "$SET" = skirt ]; then
  declare -A FLAGS=([skirt-s0]="--absent-dice off --val-metaphase 10 --seed 0 --skirt 3" [skirt-s1]="--absent-dice off --val-metaphase 10 --seed 1 --skirt 3"
                    [lit-val-s0]="--absent-dice off --val-metaphase 10 --seed 0"); NAMES="skirt-s0 skirt-s1 lit-val-s0"
elif [ "$SET" = add ]; then
  declare -A FLAGS=([add-s0]="--absent-dice off --val-metaphase 10 --seed 0 --skirt 3 --overlap add" [skirt-s0]="--absent-dice off --val-metaphase 10 --seed 0 --skirt 3"
                    [lit-val-s0]="--absent-dice off --val-metaphase 10 --seed 0"); NAMES="add-s0 skirt-s0 lit-val-s0"
elif [ "$SET" = slide ]; then
  [ -f runs/slide-crops.npz ] || { echo "SET=slide: no runs/slide-crops.npz; make it with bench/slide_crops.py and carry it" >&2; exit 2; }
  declare -A FLAGS=([slide-i4]="--from-trial pretrained:instances4 --absent-dice off --slide-crops runs/slide-crops.npz --lr 1.5e-4"
                    [slide-lit]="--absent-dice off --slide-crops runs/slide-crops.npz --seed 0"
                    [slide-skirt]="--absent-dice off --slide-crops runs/slide-crops.npz --skirt 3 --seed 0"); NAMES="slide-i4 slide-lit slide-skirt"
else echo "SET=$SET: expected first, next, skirt, add or slide" >&2; exit 2; fi
if ! python3 -c "import keras" 2>/dev/null && [ -d .whl ]; then python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:$PWD; fi
export KERAS_BACKEND=${KERAS_BACKEND:-jax} XLA_PYTHON_CLIENT_MEM_FRACTION=0.25 PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null
python3 -c "import jax, keras; print('jax', jax.__version__, jax.devices(), 'keras', keras.__version__)" || exit 1
for name in $NAMES; do
  timeout $(python3 -c "print(int(60 * $MINUTES + 150))") python3 bench/instance_trial.py --like runs/like --out /tmp/trials/$name \
    --processes 4 --images "$IMAGES" --patience 14 --minutes "$MINUTES" ${FLAGS[$name]} >/tmp/trials-$name.log 2>&1 &
done
wait
for name in $NAMES; do
  cp /tmp/trials-$name.log /tmp/trials/$name/log.txt 2>/dev/null; grep -E "^(trial|epoch|time|early)" /tmp/trials-$name.log | sed "s/^/$name: /"
  tail -3 /tmp/trials-$name.log | grep -v "^epoch" | sed "s/^/$name (end): /"
  (cd /tmp/trials/$name 2>/dev/null && tar cf "$OUT/$name.tar" model.keras last.keras history.csv trial.json config.json log.txt)
done
ls -la "$OUT"
