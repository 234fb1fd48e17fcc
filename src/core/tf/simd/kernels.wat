;; Training kernels for tfjs's wasm backend in WebAssembly SIMD, run on the backend's own heap.
;; The module imports tfjs's memory, so every pointer below is a tensor's byte offset in that
;; heap (`memoryOffset`). `scripts/buildSimdKernels.ts` compiles this file twice (the memory
;; import plain, and shared for tfjs's threaded build) into `kernelsWasm.ts`; `simdKernels.ts`
;; instantiates it. Each function has a plain-JavaScript twin in `wasmHeapKernels.ts` with the
;; same arithmetic, which the tests compare against. Sums go to float64 accumulators in chunks
;; of float32 partials, so long reductions keep float64's precision.
(module
  (import "env" "memory" (memory 1))

  ;; out[i] = dy[i] where 0 < x[i] <= 6, else 0 (relu6's gradient), for n floats, n % 4 == 0.
  ;; NaN and +Infinity compare false and give 0, as the JavaScript twin does.
  (func (export "relu6Grad") (param $dy i32) (param $x i32) (param $out i32) (param $n i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (loop $next
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $out)
          (v128.and
            (v128.load (local.get $dy))
            (v128.and
              (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))
              (f32x4.le (local.get $v) (v128.const f32x4 6 6 6 6)))))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $out) (local.get $end))))))

  ;; acc[k] += a[0..3] and acc[k + 1..3] as float64 (acc a byte pointer to 4 doubles).
  (func $flush (param $acc i32) (param $a v128)
    (v128.store (local.get $acc)
      (f64x2.add (v128.load (local.get $acc)) (f64x2.promote_low_f32x4 (local.get $a))))
    (v128.store offset=16 (local.get $acc)
      (f64x2.add
        (v128.load offset=16 (local.get $acc))
        (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))))

  ;; Per channel of `pixels` rows of c floats (c % 4 == 0): acc[k] += sum(dy[., k]) and
  ;; acc[c + k] += sum(dy[., k] * (x[., k] - mean[k])), acc float64 [2c]. Chunks of 32 rows
  ;; (in cache while each 4-channel block sums down them in registers).
  (func (export "channelGradSums") (param $dy i32) (param $x i32) (param $mean i32) (param $acc i32) (param $pixels i32) (param $c i32)
    (local $row i32) (local $chunkEnd i32) (local $k i32) (local $off i32) (local $end i32) (local $rowBytes i32)
    (local $s0 v128) (local $s1 v128) (local $m v128) (local $g v128)
    (if (i32.eqz (local.get $c)) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $c) (i32.const 2)))
    (block $rowsDone
      (loop $chunk
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $pixels)))
        (local.set $chunkEnd (i32.add (local.get $row) (i32.const 32)))
        (if (i32.gt_u (local.get $chunkEnd) (local.get $pixels)) (then (local.set $chunkEnd (local.get $pixels))))
        (local.set $k (i32.const 0))
        (loop $channels
          (local.set $s0 (v128.const f32x4 0 0 0 0))
          (local.set $s1 (v128.const f32x4 0 0 0 0))
          (local.set $m (v128.load (i32.add (local.get $mean) (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $off (i32.shl (i32.add (i32.mul (local.get $row) (local.get $c)) (local.get $k)) (i32.const 2)))
          (local.set $end (i32.add (local.get $off) (i32.mul (i32.sub (local.get $chunkEnd) (local.get $row)) (local.get $rowBytes))))
          (loop $rows
            (local.set $g (v128.load (i32.add (local.get $dy) (local.get $off))))
            (local.set $s0 (f32x4.add (local.get $s0) (local.get $g)))
            (local.set $s1
              (f32x4.add (local.get $s1)
                (f32x4.mul (local.get $g) (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $off))) (local.get $m)))))
            (local.set $off (i32.add (local.get $off) (local.get $rowBytes)))
            (br_if $rows (i32.lt_u (local.get $off) (local.get $end))))
          (call $flush (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 3))) (local.get $s0))
          (call $flush (i32.add (local.get $acc) (i32.shl (i32.add (local.get $c) (local.get $k)) (i32.const 3))) (local.get $s1))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br_if $channels (i32.lt_u (local.get $k) (local.get $c))))
        (local.set $row (local.get $chunkEnd))
        (br $chunk))))

  ;; dst[c * rows + r] = src[r * cols + c]: a [rows, cols] float32 matrix transposed, both
  ;; multiples of 4. 4x4 blocks are transposed in registers; the rows go in chunks of 64, so a
  ;; chunk of src stays in cache while each 4-column block of it is read, and every write is four
  ;; runs of 16 contiguous bytes (tfjs's own Transpose writes a float at a time, 8-20 ns each when
  ;; rows is a power of two and every written row falls in the same cache set).
  (func (export "transpose2d") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r0 i32) (local $rEnd i32) (local $c i32) (local $r i32) (local $s i32) (local $d i32)
    (local $rowBytes i32) (local $dstRowBytes i32)
    (local $a v128) (local $b v128) (local $e v128) (local $f v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (if (i32.eqz (local.get $cols)) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $dstRowBytes (i32.shl (local.get $rows) (i32.const 2)))
    (block $done
      (loop $chunk
        (br_if $done (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $rEnd (i32.add (local.get $r0) (i32.const 64)))
        (if (i32.gt_u (local.get $rEnd) (local.get $rows)) (then (local.set $rEnd (local.get $rows))))
        (local.set $c (i32.const 0))
        (loop $columns
          (local.set $r (local.get $r0))
          (loop $block
            (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
            (local.set $a (v128.load (local.get $s)))
            (local.set $b (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
            (local.set $s (i32.add (local.get $s) (i32.shl (local.get $rowBytes) (i32.const 1))))
            (local.set $e (v128.load (local.get $s)))
            (local.set $f (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
            ;; a0 b0 a1 b1 | a2 b2 a3 b3 | e0 f0 e1 f1 | e2 f2 e3 f3
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $e) (local.get $f)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $e) (local.get $f)))
            (local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))
            (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $d) (local.get $dstRowBytes)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (local.set $d (i32.add (local.get $d) (i32.shl (local.get $dstRowBytes) (i32.const 1))))
            (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store (i32.add (local.get $d) (local.get $dstRowBytes)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br_if $block (i32.lt_u (local.get $r) (local.get $rEnd))))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $columns (i32.lt_u (local.get $c) (local.get $cols))))
        (local.set $r0 (local.get $rEnd))
        (br $chunk))))

  ;; A 3-wide depthwise conv's filter gradient (one output channel per input channel, c % 4 == 0,
  ;; NHWC) over the output columns [lo, hi) where all three taps fall inside x; the caller adds
  ;; the row ends. acc is float64 [3, 3, c]: acc[(r * 3 + t) * c + k] += sum over (b, oy, ox) of
  ;; x[b, oy * sh + r * dh - top, ox * sw + t * dw - left, k] * dy[b, oy, ox, k]. Each row's
  ;; three taps sum along it in registers, four channels at a time.
  (func (export "depthwiseFilterGrad3") (param $x i32) (param $dy i32) (param $acc i32)
    (param $batch i32) (param $ih i32) (param $iw i32) (param $c i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32) (param $top i32) (param $left i32)
    (param $lo i32) (param $hi i32)
    (local $b i32) (local $oy i32) (local $r i32) (local $iy i32) (local $k i32)
    (local $dyRow i32) (local $xRow i32) (local $dyP i32) (local $xP i32) (local $dyEnd i32)
    (local $dyStep i32) (local $xStep i32) (local $tap i32) (local $tap2 i32) (local $accRow i32)
    (local $g v128) (local $a0 v128) (local $a1 v128) (local $a2 v128)
    ;; The loops below test at their ends: an empty extent must not enter them.
    (if (i32.or (i32.ge_s (local.get $lo) (local.get $hi))
          (i32.or (i32.eqz (local.get $c)) (i32.or (i32.eqz (local.get $batch)) (i32.eqz (local.get $oh)))))
      (then (return)))
    (local.set $dyStep (i32.shl (local.get $c) (i32.const 2)))
    (local.set $xStep (i32.mul (local.get $sw) (local.get $dyStep)))
    (local.set $tap (i32.mul (local.get $dw) (local.get $dyStep)))
    (local.set $tap2 (i32.shl (local.get $tap) (i32.const 1)))
    (loop $batches
      (local.set $oy (i32.const 0))
      (loop $outRows
        (local.set $r (i32.const 0))
        (loop $filterRows
          (local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $sh)) (i32.mul (local.get $r) (local.get $dh))) (local.get $top)))
          (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $ih)))
            (then
              ;; Byte offsets of the row's first interior column, channel 0.
              (local.set $dyRow (i32.add (local.get $dy)
                (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $lo)) (local.get $dyStep))))
              (local.set $xRow (i32.add (local.get $x)
                (i32.add
                  (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $ih)) (local.get $iy)) (local.get $iw)) (local.get $dyStep))
                  (i32.mul (i32.sub (i32.mul (local.get $lo) (local.get $sw)) (local.get $left)) (local.get $dyStep)))))
              (local.set $accRow (i32.add (local.get $acc) (i32.mul (i32.mul (local.get $r) (i32.const 3)) (i32.shl (local.get $c) (i32.const 3)))))
              (local.set $k (i32.const 0))
              (loop $channels
                (local.set $a0 (v128.const f32x4 0 0 0 0))
                (local.set $a1 (v128.const f32x4 0 0 0 0))
                (local.set $a2 (v128.const f32x4 0 0 0 0))
                (local.set $dyP (i32.add (local.get $dyRow) (i32.shl (local.get $k) (i32.const 2))))
                (local.set $xP (i32.add (local.get $xRow) (i32.shl (local.get $k) (i32.const 2))))
                (local.set $dyEnd (i32.add (local.get $dyP) (i32.mul (i32.sub (local.get $hi) (local.get $lo)) (local.get $dyStep))))
                (loop $columns
                  (local.set $g (v128.load (local.get $dyP)))
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $xP)) (local.get $g))))
                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $xP) (local.get $tap))) (local.get $g))))
                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $xP) (local.get $tap2))) (local.get $g))))
                  (local.set $dyP (i32.add (local.get $dyP) (local.get $dyStep)))
                  (local.set $xP (i32.add (local.get $xP) (local.get $xStep)))
                  (br_if $columns (i32.lt_u (local.get $dyP) (local.get $dyEnd))))
                (call $flush (i32.add (local.get $accRow) (i32.shl (local.get $k) (i32.const 3))) (local.get $a0))
                (call $flush (i32.add (local.get $accRow) (i32.shl (i32.add (local.get $c) (local.get $k)) (i32.const 3))) (local.get $a1))
                (call $flush (i32.add (local.get $accRow) (i32.shl (i32.add (i32.shl (local.get $c) (i32.const 1)) (local.get $k)) (i32.const 3))) (local.get $a2))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br_if $channels (i32.lt_u (local.get $k) (local.get $c))))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $filterRows (i32.lt_u (local.get $r) (i32.const 3))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $outRows (i32.lt_u (local.get $oy) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batches (i32.lt_u (local.get $b) (local.get $batch))))))
