"""The HTML, CSS and JavaScript templates of ``utils.explorers``' interactive explorers (chapters 1 and 2).

``_widget`` fills in ``__ID__`` (the explorer's element id, also ``#ID`` in the style) and ``__DATA__`` (its
JSON data); the latent explorer's body also ``__Z1__`` and ``__Z2__`` (the axis titles).
"""

# Shown until the script runs: Jupyter runs the scripts of stored outputs only in a trusted notebook.
WAITING = ('<p class="x-wait"><b>This figure is drawn by JavaScript.</b> In Jupyter, run the cell (or trust the '
           "notebook) to draw it.</p>")
STYLE = """#ID{color-scheme:light;background:#fff;color:#222;font:13px/1.4 system-ui,sans-serif;
border:1px solid #ccc;border-radius:6px;padding:10px;margin:8px 0;max-width:100%;overflow-x:auto}
#ID .x-title{font-weight:600;font-size:15px;margin-bottom:6px}
#ID .x-controls{display:flex;flex-wrap:wrap;gap:4px 16px}#ID label{white-space:nowrap}#ID input{vertical-align:middle}
#ID output{display:inline-block;min-width:3.5em;font-weight:600}#ID .x-panels{display:flex;flex-wrap:wrap;gap:14px;
align-items:flex-start;margin-top:6px}#ID .x-cap{font-size:12px;max-width:360px}#ID .x-status{margin:6px 0;
min-height:2.8em}#ID .x-legend span{display:inline-block;width:11px;height:11px;border:1px solid #888;
margin:0 3px 0 10px;vertical-align:-1px}#ID svg text{font-size:9px;pointer-events:none}
#ID svg:focus{outline:2px solid #4e79a7}
#ID canvas{width:168px;height:168px;image-rendering:pixelated;border:1px solid #888}"""

TCONV_BODY = """<p class="x-status" aria-live="polite"></p><div class="x-panels">
<div><div class="x-cap" data-cap="in"></div><svg data-panel="in" role="img"></svg></div>
<div><div class="x-cap" data-cap="w"></div><svg data-panel="w" role="img"></svg></div>
<div><div class="x-cap" data-cap="st"></div><svg data-panel="st" role="img"></svg></div>
<div><div class="x-cap" data-cap="out"></div><svg data-panel="out" tabindex="0"
 aria-label="Output grid: click a pixel, or focus it and use the arrow keys, to see what reaches it"></svg></div></div>
<p class="x-legend">Legend:<span style="background:#a9c6e8"></span>input pixel<span style="background:#d4c7e6">
</span>kernel tap<span style="background:#e3e3e3"></span>inserted zero<span style="background:#fff"></span>border
padding<span style="background:#f1ce63"></span>output_padding<span style="background:#f28e2b"></span>reaches the
chosen output pixel (orange outline). Output shading and numbers: contributions per pixel.</p>"""

TCONV_JS = """(function(){var D=__DATA__,root=document.getElementById("__ID__");if(!root||root.dataset.ready)return;
root.dataset.ready="1";root.querySelector(".x-wait").remove();
var q=function(s){return root.querySelector(s)},sl=root.querySelectorAll("input");
var sel=null,auto=1,OR="#f28e2b";
function rc(r,c,h){return 'data-r="'+r+'" data-c="'+c+'"'+(h?' class="hit"':"")}
function val(i){return D.axes[i][+sl[i].value]}
function rect(x,y,z,f,lab,ex,sk){return '<rect x="'+x+'" y="'+y+'" width="'+z+'" height="'+z+'" fill="'+f+
'" '+(sk||'stroke="#999" stroke-width="0.5"')+" "+(ex||"")+'/>'+(lab===""?"":'<text x="'+(x+z/2)+'" y="'+(y+z/2+3)+
'" text-anchor="middle" fill="'+(ex&&ex.indexOf("dark")>=0?"#fff":"#222")+'">'+lab+"</text>")}
function panel(name,rows,z,draw,extra,label){var s=q('[data-panel="'+name+'"]'),h="";
for(var r=0;r<rows;r++)for(var c=0;c<rows;c++)h+=draw(r,c);s.setAttribute("width",rows*z+2);
s.setAttribute("height",rows*z+2);s.setAttribute("viewBox","-1 -1 "+(rows*z+2)+" "+(rows*z+2));
s.innerHTML=h+(extra||"");if(label)s.setAttribute("aria-label",label)}
function cap(name,t){q('[data-cap="'+name+'"]').textContent=t}
function reach(F,k,n,r){var l=[];for(var i=0;i<n;i++)for(var a=0;a<k;a++)if(F.pos[i*k+a]===r)l.push([i,a]);return l}
function draw(){var n=val(0),k=val(1),s=val(2),p=val(3),op=val(4),i;
for(i=0;i<5;i++)sl[i].nextElementSibling.textContent=val(i);
var F=D.frames[[n,k,s,p,op].join(",")],H=F.o,st=q(".x-status");
var call="ConvTranspose2d(kernel_size="+k+", stride="+s+", padding="+p+", output_padding="+op+") on a "+n+"\u00d7"+n
+" input: H_out = ("+n+"\u22121)\u00b7"+s+" \u2212 2\u00b7"+p+" + ("+k+"\u22121) + "+op+" + 1 = "+H;
cap("in","Input "+n+"\u00d7"+n+" (pixel i,j)");cap("w","Kernel "+k+"\u00d7"+k+" (tap a,b)");
if(F.e!==undefined){root.dataset.state="refused";
st.textContent=call+". PyTorch refuses it: \u201c"+D.errors[F.e]+"\u201d";
panel("in",n,26,function(r,c){return rect(c*26,r*26,26,"#a9c6e8",r+","+c)});
panel("w",k,26,function(r,c){return rect(c*26,r*26,26,"#d4c7e6",r+","+c)});
cap("st","Stretched input: none (refused)");cap("out","Output: refused by PyTorch");
panel("st",0,18,null);panel("out",0,18,null);return}
root.dataset.state="ok";var cnt=[];for(i=0;i<H;i++)cnt.push(reach(F,k,n,i).length);var mx=Math.max.apply(null,cnt)||1;
if(auto||!sel){var m=-1,c0=H>>1;for(i=0;i<H;i++)if(cnt[i]===mx&&(m<0||Math.abs(i-c0)<Math.abs(m-c0)))m=i;sel=[m,m]}
sel=[Math.min(sel[0],H-1),Math.min(sel[1],H-1)];
var R=reach(F,k,n,sel[0]),C=reach(F,k,n,sel[1]),hitIn={},hitW={},terms=[];
R.forEach(function(u){C.forEach(function(v){hitIn[u[0]+","+v[0]]=1;hitW[u[1]+","+v[1]]=1;
terms.push("x("+u[0]+","+v[0]+")\u00b7w("+u[1]+","+v[1]+")")})});
st.textContent=call+" (PyTorch: "+H+"\u00d7"+H+"). Output pixel ("+sel[0]+","+sel[1]+") receives "+terms.length+
" contribution"+(terms.length===1?"":"s")+(terms.length?": "+terms.slice(0,9).join(" + ")+
(terms.length>9?" + \u2026":""):"")+".";
panel("in",n,26,function(r,c){var h=hitIn[r+","+c];return rect(c*26,r*26,26,h?OR:"#a9c6e8",r+","+c,rc(r,c,h))},
"","Input grid; "+Object.keys(hitIn).length+" pixels reach the chosen output pixel");
panel("w",k,26,function(r,c){var h=hitW[r+","+c];return rect(c*26,r*26,26,h?OR:"#d4c7e6",r+","+c,rc(r,c,h))},
"","Kernel; "+Object.keys(hitW).length+" taps reach the chosen output pixel");
var L=F.st.length,b=k-1-p,y0=sel[0],x0=sel[1];
cap("st","Stretched and padded input "+L+"\u00d7"+L+": "+(s-1)+" zero"+(s===2?"":"s")+" between inputs, "+
(b>=0?"border k\u22121\u2212p = "+b:"cropped by p\u2212(k\u22121) = "+(-b))+", output_padding "+op+
" at bottom/right; window: the flipped kernel for the chosen pixel");
panel("st",L,18,function(r,c){var u=F.st[r],v=F.st[c],f;
if(u>=0&&v>=0){var w=r>=y0&&r<y0+k&&c>=x0&&c<x0+k;return rect(c*18,r*18,18,w?OR:"#a9c6e8","",rc(u,v,w))}
f=(u===-3||v===-3)?"#f1ce63":(u===-2||v===-2)?"#fff":"#e3e3e3";return rect(c*18,r*18,18,f,"")},
'<rect x="'+x0*18+'" y="'+y0*18+'" width="'+k*18+'" height="'+k*18+'" fill="none" stroke="'+OR+'" stroke-width="2.5"/>',
"Stretched and padded input, "+L+" by "+L);
cap("out","Output "+H+"\u00d7"+H+" (formula and PyTorch): contributions per pixel; click one");
panel("out",H,18,function(r,c){var v=cnt[r]*cnt[c],l=Math.round(96-56*v/(mx*mx)),me=r===sel[0]&&c===sel[1];
return rect(c*18,r*18,18,"hsl(210,35%,"+l+"%)",v,'data-r="'+r+'" data-c="'+c+'"'+(l<60?' class="dark"':"")+
(me?' data-chosen="1"':""),me?'stroke="'+OR+'" stroke-width="3"':"")})}
var out=q('[data-panel="out"]');
out.addEventListener("click",function(e){var t=e.target;if(t.dataset&&t.dataset.r!==undefined){
sel=[+t.dataset.r,+t.dataset.c];auto=0;draw()}});
out.addEventListener("keydown",function(e){var d={ArrowUp:[-1,0],ArrowDown:[1,0],ArrowLeft:[0,-1],
ArrowRight:[0,1]}[e.key];if(!d||!sel||root.dataset.state!=="ok")return;e.preventDefault();auto=0;
sel=[Math.max(0,sel[0]+d[0]),Math.max(0,sel[1]+d[1])];draw()});
for(var i=0;i<5;i++){sl[i].value=D.start[i];sl[i].addEventListener("input",draw)}draw()})();"""

LATENT_BODY = """<div class="x-controls"><label>__Z1__ <input type="range" data-key="z1" min="0" step="1"
 aria-label="__Z1__ of the decoded grid point"><output></output></label><label>__Z2__ <input type="range" data-key="z2"
 min="0" step="1" aria-label="__Z2__ of the decoded grid point"><output></output></label></div><div class="x-panels">
<svg data-panel="plane" width="400" height="380" viewBox="0 0 400 380" role="img"></svg><div><canvas role="img">
</canvas><div class="x-cap" aria-live="polite"></div></div></div><p class="x-legend">Move the
sliders, or hover over (or click) the plane: the image is the decoder's output at the black ring.
 Dashed box: the grid of decoded points.</p>"""

LATENT_JS = """(function(){var D=__DATA__,root=document.getElementById("__ID__");if(!root||root.dataset.ready)return;
root.dataset.ready="1";root.querySelector(".x-wait").remove();
var q=function(s){return root.querySelector(s)},sl=root.querySelectorAll("input");
var nx=D.z1.length,ny=D.z2.length,W=400,H=380,L=48,T=14,PW=W-L-92,PH=H-T-40,raw=atob(D.images),i,h="";
function X(v){return L+(v-D.low[0])/(D.high[0]-D.low[0])*PW}
function Y(v){return T+(D.high[1]-v)/(D.high[1]-D.low[1])*PH}
h+='<rect x="'+L+'" y="'+T+'" width="'+PW+'" height="'+PH+'" fill="#fff" stroke="#888"/>';
D.ticks[0].forEach(function(t){h+='<text x="'+X(t)+'" y="'+(T+PH+13)+'" text-anchor="middle">'+t+"</text>"});
D.ticks[1].forEach(function(t){h+='<text x="'+(L-4)+'" y="'+(Y(t)+3)+'" text-anchor="end">'+t+"</text>"});
h+='<text x="'+(L+PW/2)+'" y="'+(H-6)+'" text-anchor="middle" style="font-size:12px">'+D.axes[0]+"</text>";
h+='<text x="12" y="'+(T+PH/2)+'" text-anchor="middle" style="font-size:12px" transform="rotate(-90 12 '+(T+PH/2)+')">'+
D.axes[1]+"</text>";for(i=0;i<D.x.length;i++)h+='<circle cx="'+X(D.x[i]).toFixed(1)+'" cy="'+Y(D.y[i]).toFixed(1)+
'" r="2" fill="'+D.colours[D.c[i]]+'" fill-opacity="0.6"/>';
h+='<rect x="'+X(D.z1[0])+'" y="'+Y(D.z2[ny-1])+'" width="'+(X(D.z1[nx-1])-X(D.z1[0]))+'" height="'+
(Y(D.z2[0])-Y(D.z2[ny-1]))+'" fill="none" stroke="#555" stroke-dasharray="4 3"/>';
(D.contours||[]).forEach(function(k){var p=k.x.map(function(v,j){return X(v).toFixed(1)+","+Y(k.y[j]).toFixed(1)});
h+='<polygon class="x-contour" points="'+p.join(" ")+'" fill="none" stroke="#333" stroke-dasharray="2 2"/>'+
'<text x="'+p[0].split(",")[0]+'" y="'+(+p[0].split(",")[1]-3)+'">'+k.label+"</text>"});
D.classes.forEach(function(c,j){h+='<circle cx="'+(L+PW+16)+'" cy="'+(T+10+j*18)+'" r="5" fill="'+D.colours[j]+
'"/><text x="'+(L+PW+26)+'" y="'+(T+13+j*18)+'" style="font-size:12px">'+D.name+" "+c+"</text>"});
h+='<circle class="x-ring" r="7" fill="none" stroke="#000" stroke-width="2"/>';
var svg=q("svg");svg.innerHTML=h;svg.setAttribute("aria-label","Scatter of "+D.x.length+" codes coloured by digit");
var ring=q(".x-ring"),cv=q("canvas"),ctx=cv.getContext("2d");cv.width=D.w;cv.height=D.h;
function show(){var a=+sl[0].value,b=+sl[1].value,img=ctx.createImageData(D.w,D.h),o=(b*nx+a)*D.w*D.h;
for(var p=0;p<D.w*D.h;p++){var g=raw.charCodeAt(o+p);img.data.set([g,g,g,255],4*p)}ctx.putImageData(img,0,0);
sl[0].nextElementSibling.textContent=D.z1[a];sl[1].nextElementSibling.textContent=D.z2[b];
ring.setAttribute("cx",X(D.z1[a]));ring.setAttribute("cy",Y(D.z2[b]));
var t="decoded at ("+D.axes[0]+", "+D.axes[1]+") = ("+D.z1[a]+", "+D.z2[b]+")";q(".x-cap").textContent=t;
cv.setAttribute("aria-label","Image "+t);root.dataset.shown=a+","+b}
function near(vs,v){var best=0;vs.forEach(function(u,j){if(Math.abs(u-v)<Math.abs(vs[best]-v))best=j});return best}
function pick(e){var r=svg.getBoundingClientRect(),px=(e.clientX-r.left)*W/r.width,py=(e.clientY-r.top)*H/r.height;
if(px<L||px>L+PW||py<T||py>T+PH)return;var z1=D.low[0]+(px-L)/PW*(D.high[0]-D.low[0]);
var z2=D.high[1]-(py-T)/PH*(D.high[1]-D.low[1]);sl[0].value=near(D.z1,z1);sl[1].value=near(D.z2,z2);show()}
svg.addEventListener("mousemove",pick);svg.addEventListener("click",pick);
sl[0].max=nx-1;sl[1].max=ny-1;sl[0].value=nx>>1;sl[1].value=ny>>1;
sl[0].addEventListener("input",show);sl[1].addEventListener("input",show);show()})();"""
