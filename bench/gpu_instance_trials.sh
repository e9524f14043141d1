#!/usr/bin/env bash
# Three trials of the instance model (bench/instance_trial.py) at once on one GPU, each for MINUTES (default 5.5), from
# the shipped recipe's run (runs/like, carried), with ten times its images an epoch made in four processes each:
#   shipped  the shipped instance model's recipe (seed 0), trained on far more images than the CPU could give it
#   lit      the same with every map kept lit (--absent-dice off), for clusters of four
#   heldval  the same, bent shapes (--bend 0.5) and its best epoch chosen on a metaphase left out (--val-metaphase 10)
# Made for the device tool (a GPU machine with JAX, no TensorFlow and no Keras; nothing fetched there). Here, once:
#   echo /.whl/ >> .git/info/exclude
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 -d .whl keras==3.15.1 namex==0.1.0 optree==0.20.0 pooch==1.9.0 platformdirs roifile==2026.2.10
# then run `bash bench/gpu_instance_trials.sh` there with `carry: [".whl", "runs/like"]` (timeout_s 570); each trial comes
# back as OUT/NAME.tar (model.keras, last.keras, history.csv, trial.json, config.json, its log). Compare one with the shipped
# instance model: `bench/slide_benchmark.py --policy P.json` with P's "instances" naming the unpacked folder.
set -u
MINUTES=${MINUTES:-5.5}; IMAGES=${IMAGES:-30120}; OUT=${OUT:-runs/gpu-trials}; mkdir -p "$OUT"; OUT=$(realpath "$OUT")
if ! python3 -c "import keras" 2>/dev/null && [ -d .whl ]; then python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:$PWD; fi
export KERAS_BACKEND=${KERAS_BACKEND:-jax} XLA_PYTHON_CLIENT_MEM_FRACTION=0.25 PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null
python3 -c "import jax, keras; print('jax', jax.__version__, jax.devices(), 'keras', keras.__version__)" || exit 1
declare -A FLAGS=([shipped]="" [lit]="--absent-dice off" [heldval]="--bend 0.5 --val-metaphase 10")
for name in shipped lit heldval; do
  timeout $(python3 -c "print(int(60 * $MINUTES + 150))") python3 bench/instance_trial.py --like runs/like --out /tmp/trials/$name \
    --processes 4 --images "$IMAGES" --patience 14 --minutes "$MINUTES" ${FLAGS[$name]} >/tmp/trials-$name.log 2>&1 &
done
wait
for name in shipped lit heldval; do
  cp /tmp/trials-$name.log /tmp/trials/$name/log.txt 2>/dev/null; grep -E "^(trial|epoch|time|early)" /tmp/trials-$name.log | sed "s/^/$name: /"
  tail -3 /tmp/trials-$name.log | grep -v "^epoch" | sed "s/^/$name (end): /"
  (cd /tmp/trials/$name 2>/dev/null && tar cf "$OUT/$name.tar" model.keras last.keras history.csv trial.json config.json log.txt)
done
ls -la "$OUT"
