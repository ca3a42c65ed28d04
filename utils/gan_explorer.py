"""The GAN game explorer (chapter 9): a 2-D generator's samples over its discriminator's decision surface, one
precomputed frame per training step shown, chosen with a slider; a menu switches between runs (e.g. losses).

Like ``utils.explorers`` it is one self-contained HTML fragment (no kernel, no network): the frames are
embedded as bytes (base64), drawn on a canvas by a little plain JavaScript.
"""

from __future__ import annotations

import base64
import html

import numpy as np
import torch

from utils.explorers import Explorer, _widget
from utils.gan_toys import quantise

__all__ = ["gan_game_explorer"]

GAME_BODY = """<div class="x-controls"><label>run <select data-key="run" aria-label="which run"></select></label>
<label>training step <input type="range" data-key="frame" min="0" step="1" value="0"
 aria-label="training step of the frame shown"><output></output></label>
<button type="button" data-key="play" aria-label="play or pause the frames">▶ play</button></div>
<div class="x-panels"><canvas data-panel="game" width="360" height="360" role="img"
 style="width:360px;height:360px;image-rendering:auto"></canvas><div class="x-cap"><p class="x-status"
 aria-live="polite"></p><p>Background: the discriminator's D(x) <span class="x-bar"></span>; orange dots:
 the generator's samples; black circles: the data's modes (radius 3 standard deviations, the high-quality
 zone).</p></div></div>"""

GAME_JS = """(function(){var D=__DATA__,root=document.getElementById("__ID__");if(!root||root.dataset.ready)return;
root.dataset.ready="1";root.querySelector(".x-wait").remove();
var q=function(s){return root.querySelector(s)},menu=q("select"),sl=q('input[type="range"]'),btn=q("button");
var cv=q("canvas"),ctx=cv.getContext("2d"),S=360,R=D.res,P=D.points,E=D.extent,timer=null;
var off=document.createElement("canvas");off.width=R;off.height=R;var octx=off.getContext("2d");
function bytes(s){var r=atob(s),a=new Uint8Array(r.length);for(var i=0;i<r.length;i++)a[i]=r.charCodeAt(i);return a}
var runs=D.runs.map(function(r){return {name:r.name,surface:bytes(r.surface),points:bytes(r.points),
covered:r.covered,quality:r.quality}});
runs.forEach(function(r,i){var o=document.createElement("option");o.value=i;o.textContent=r.name;menu.appendChild(o)});
sl.max=D.steps.length-1;
function grey(v){return 255-Math.round(v*0.75)}
q(".x-bar").innerHTML='<span style="display:inline-block;width:80px;height:10px;vertical-align:-1px;'+
'border:1px solid #888;background:linear-gradient(90deg,rgb(255,255,255),rgb(64,64,64))"></span> from 0 '+
'(fake, white) to 1 (real, dark)';
function X(b){return b/255*S}
function draw(){var r=runs[+menu.value],f=+sl.value,img=octx.createImageData(R,R),o=f*R*R,i;
for(i=0;i<R*R;i++){var g=grey(r.surface[o+i]);img.data.set([g,g,g,255],4*i)}octx.putImageData(img,0,0);
ctx.imageSmoothingEnabled=true;ctx.drawImage(off,0,0,S,S);
ctx.strokeStyle="#000";ctx.lineWidth=1.5;D.centres.forEach(function(c){ctx.beginPath();
ctx.arc((c[0]+E)/(2*E)*S,(E-c[1])/(2*E)*S,3*D.std/(2*E)*S,0,2*Math.PI);ctx.stroke()});
ctx.fillStyle="rgba(242,142,43,0.75)";var p=f*P*2;for(i=0;i<P;i++){ctx.beginPath();
ctx.arc(X(r.points[p+2*i]),S-X(r.points[p+2*i+1]),1.6,0,2*Math.PI);ctx.fill()}
sl.nextElementSibling.textContent=D.steps[f];
var t=r.name+", step "+D.steps[f]+" of "+D.steps[D.steps.length-1]+": "+r.covered[f]+" of "+D.centres.length+
" modes covered, "+Math.round(100*r.quality[f])+"% of the samples near a mode";
q(".x-status").textContent=t;cv.setAttribute("aria-label",t);root.dataset.shown=menu.value+","+f}
function stop(){if(timer){clearInterval(timer);timer=null;btn.textContent="\\u25b6 play"}}
btn.addEventListener("click",function(){if(timer){stop();return}if(+sl.value>=+sl.max)sl.value=0;
btn.textContent="\\u275a\\u275a pause";timer=setInterval(function(){if(+sl.value>=+sl.max){stop();return}
sl.value=+sl.value+1;draw()},250)});
menu.addEventListener("change",draw);sl.addEventListener("input",function(){stop();draw()});draw()})();"""


def _frames(run: dict, name: str, frames: int) -> tuple[np.ndarray, np.ndarray, list, list]:
    """One run's surfaces (F, R, R) in [0, 1] and points (F, P, 2), checked, with its two metric lists."""
    surface = torch.as_tensor(run["surface"], dtype=torch.float32)
    points = torch.as_tensor(run["points"], dtype=torch.float32)
    covered, quality = list(run["modes_covered"]), [float(v) for v in run["high_quality_share"]]
    if surface.dim() != 3 or surface.shape[1] != surface.shape[2] or len(surface) != frames:
        raise ValueError(f"run {name!r}: surface must be (frames, R, R) with {frames} frames, got "
                         f"{tuple(surface.shape)}.")
    if points.dim() != 3 or points.shape[2] != 2 or len(points) != frames:
        raise ValueError(f"run {name!r}: points must be (frames, P, 2) with {frames} frames, got "
                         f"{tuple(points.shape)}.")
    if len(covered) != frames or len(quality) != frames:
        raise ValueError(f"run {name!r}: give one modes_covered and one high_quality_share per frame.")
    if not torch.isfinite(surface).all() or surface.min() < 0 or surface.max() > 1:
        raise ValueError(f"run {name!r}: surface must hold D(x) values in [0, 1].")
    return surface, points, covered, quality


def gan_game_explorer(steps, runs: dict, centres, std: float, extent: float = 3.0,
                      title: str = "The GAN game, step by step") -> Explorer:
    """Chapter 9's explorer. ``runs`` maps a name to ``surface`` (F, R, R): D(x) on ``utils.gan_toys.grid_points``
    over [-extent, extent]², ``points`` (F, P, 2): generator samples, and per frame ``modes_covered`` and
    ``high_quality_share``; ``steps`` are the F training steps shown; ``centres`` (M, 2) and ``std`` the data's."""
    steps = [int(s) for s in steps]
    if not runs or not steps or any(b <= a for a, b in zip(steps, steps[1:])):
        raise ValueError("give at least one run and one frame, with increasing training steps.")
    data_runs, sizes = [], set()
    for name, run in runs.items():
        surface, points, covered, quality = _frames(run, name, len(steps))
        sizes.add((surface.shape[1], points.shape[1]))
        data_runs.append({"name": html.escape(str(name)), "covered": [int(c) for c in covered],
                          "quality": [round(q, 4) for q in quality],
                          "surface": base64.b64encode(quantise(surface, 0, 1).numpy().tobytes()).decode(),
                          "points": base64.b64encode(quantise(points, -extent, extent).numpy().tobytes()).decode()})
    if len(sizes) != 1:
        raise ValueError(f"every run needs the same grid resolution and number of points, got {sorted(sizes)}.")
    (resolution, n_points), = sizes
    centres = torch.as_tensor(centres, dtype=torch.float32)
    data = {"steps": steps, "runs": data_runs, "res": resolution, "points": n_points, "extent": float(extent),
            "std": float(std), "centres": [[round(float(v), 4) for v in c] for c in centres]}
    return _widget("game-explorer", title, GAME_BODY, GAME_JS, data)
