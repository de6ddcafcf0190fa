//! Control flow of a disassembled AMDGPU function: basic blocks, dominators, natural loops, the main loop, and the
//! steady-state path through it.
//!
//! Like [`super::disasm`], this file depends only on `std`: `build.rs` includes it too.
//!
//! - **Blocks.** A block starts at the function's first instruction, at every branch target and after every branch
//!   or `s_endpgm`. `s_branch` has one successor (its target), `s_cbranch_*` two (target and fall-through),
//!   `s_endpgm` and `s_setpc_b64` (an indirect jump) none; every other instruction falls through.
//! - **Dominators** by the iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast Dominance
//!   Algorithm", 2001) over the blocks reachable from the entry.
//! - **Natural loops.** An edge `u → h` whose target `h` dominates `u` is a back edge; its loop is `h` plus every
//!   block that reaches `u` without passing through `h`. Loops with the same header are merged. This finds loops
//!   however the compiler laid them out: a rotated loop (test at the bottom, entered by a jump to its test) is a
//!   loop like any other, and a body split around far blocks keeps all its blocks. Irreducible cycles (entered at
//!   two points, no dominating header) are not loops here; compilers do not produce them from structured code.
//! - **Main loop**: the loop with the most matrix instructions (MFMA/WMMA) in its *own* blocks (those not inside a
//!   loop nested in it), ties broken by more own instructions. So a K loop wins over the tile loop around it and over
//!   the element-wise copy loops inside it.
//! - **Steady-state path**: one trip around the main loop, header to a latch (a block with a back edge to the
//!   header), as a path in the loop's body with its back edges (the loop's and any nested loop's) removed, so a
//!   nested loop counts as one trip. Of all such paths the one taken is, in order: the one meeting a declared
//!   `flops:N` rule (its matrix instructions do exactly N operations: one unit of work); with the most blocks
//!   meeting the most declared `via:` rules (some block on it has the mnemonic); the fewest blocks with an `avoid:`
//!   mnemonic; the most matrix operations; the
//!   fewest instructions. Undeclared, that is the MFMA-carrying path without rare work (tails, masking); a kernel
//!   whose rare branches repeat MFMAs, or skip loads, declares its steady state by these properties with
//!   `HF_MODEL_PATH` (never by addresses).

/// One instruction of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insn {
    /// Address (from objdump's comment), or the previous address + 4 when the line has none.
    pub addr: u64,
    /// The mnemonic; a load with the `lds` modifier (LDS DMA) is `"<mnemonic> lds"`.
    pub mnemonic: String,
    /// The operand text, trimmed.
    pub operands: String,
    /// The target of a branch, when it is one and objdump resolved it inside this function.
    pub target: Option<u64>,
}

impl Insn {
    /// `s_branch` (unconditional).
    pub fn is_jump(&self) -> bool {
        self.mnemonic == "s_branch"
    }
    /// `s_cbranch_*` (conditional).
    pub fn is_cond_branch(&self) -> bool {
        self.mnemonic.starts_with("s_cbranch_")
    }
    /// Ends the program or jumps somewhere unknown.
    pub fn is_end(&self) -> bool {
        self.mnemonic == "s_endpgm" || self.mnemonic.starts_with("s_setpc")
    }
}

/// A basic block: instructions `first..=last` of the function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Index of the first instruction.
    pub first: usize,
    /// Index of the last instruction.
    pub last: usize,
    /// Successor blocks.
    pub succs: Vec<usize>,
    /// Predecessor blocks.
    pub preds: Vec<usize>,
}

impl Block {
    /// Instructions in the block.
    pub fn len(&self) -> usize {
        self.last + 1 - self.first
    }
    /// Never true (a block has at least one instruction); for clippy's `len` rule.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// The control-flow graph of one function: block 0 is the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cfg {
    /// Blocks in address order.
    pub blocks: Vec<Block>,
    /// Immediate dominator of each block (`None` for the entry and for unreachable blocks).
    pub idom: Vec<Option<usize>>,
    /// Whether each block is reachable from the entry.
    pub reachable: Vec<bool>,
}

/// A natural loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loop {
    /// The header block (the target of the back edges; dominates the body).
    pub header: usize,
    /// Every block of the loop, header included, sorted.
    pub blocks: Vec<usize>,
    /// Blocks with a back edge to the header.
    pub latches: Vec<usize>,
}

/// A rule for choosing the steady-state path (`HF_MODEL_PATH`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathRule {
    /// `via:<mnemonic>` or `via:<mnemonic>*N`: prefer paths through at least N (default 1) blocks containing an
    /// instruction whose mnemonic starts so.
    Via(String, u32),
    /// `avoid:<mnemonic>`: prefer paths through fewer blocks containing one.
    Avoid(String),
    /// `flops:<N>`: only paths whose matrix instructions do N operations (`2·M·N·K` each) — one unit of work, so a
    /// rare branch that repeats MFMAs (a deferred product settled early) is not taken for the steady state.
    Flops(u64),
    /// `units:<N>`: a trip of the path does N units of work (a loop unrolled N times); the model reports its counts
    /// per unit. Does not affect the choice of path.
    Units(u32),
}

impl PathRule {
    /// Parses `"via:…"`, `"avoid:…"`, `"flops:N"` or `"units:N"`.
    pub fn parse(s: &str) -> Option<PathRule> {
        if let Some(m) = s.strip_prefix("via:") {
            let (m, n) = match m.rsplit_once('*') {
                Some((m, n)) => (m, n.trim().parse().ok().filter(|n| (1..=15).contains(n))?),
                None => (m, 1),
            };
            Some(PathRule::Via(m.trim().to_string(), n))
        } else if let Some(m) = s.strip_prefix("avoid:") {
            Some(PathRule::Avoid(m.trim().to_string()))
        } else {
            if let Some(n) = s.strip_prefix("units:") {
                return n
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| (1..=64).contains(n))
                    .map(PathRule::Units);
            }
            s.strip_prefix("flops:")
                .and_then(|n| n.trim().parse().ok())
                .map(PathRule::Flops)
        }
    }
}

/// The steady-state path of a loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SteadyPath {
    /// Blocks in execution order, header first, a latch last.
    pub blocks: Vec<usize>,
    /// Instruction indices in execution order.
    pub insns: Vec<usize>,
    /// For each rule, whether the path satisfies it (a `via` block on the path, no `avoid` block on it).
    pub rules_met: Vec<bool>,
}

/// Builds the blocks and dominators of a function.
pub fn cfg(insns: &[Insn]) -> Cfg {
    let n = insns.len();
    if n == 0 {
        return Cfg {
            blocks: Vec::new(),
            idom: Vec::new(),
            reachable: Vec::new(),
        };
    }
    let index_of = |addr: u64| insns.binary_search_by_key(&addr, |i| i.addr).ok();
    let mut starts = vec![false; n];
    starts[0] = true;
    for (i, insn) in insns.iter().enumerate() {
        if (insn.is_jump() || insn.is_cond_branch() || insn.is_end()) && i + 1 < n {
            starts[i + 1] = true;
        }
        if let Some(t) = insn.target.and_then(index_of) {
            starts[t] = true;
        }
    }
    let mut block_of = vec![0usize; n];
    let mut blocks: Vec<Block> = Vec::new();
    for i in 0..n {
        if starts[i] {
            blocks.push(Block {
                first: i,
                last: i,
                succs: Vec::new(),
                preds: Vec::new(),
            });
        }
        let b = blocks.len() - 1;
        blocks[b].last = i;
        block_of[i] = b;
    }
    let nb = blocks.len();
    for b in 0..nb {
        let last = &insns[blocks[b].last];
        let mut succ = Vec::new();
        let target = last.target.and_then(index_of).map(|t| block_of[t]);
        if last.is_jump() {
            succ.extend(target);
        } else if last.is_cond_branch() {
            succ.extend(target);
            if b + 1 < nb {
                succ.push(b + 1);
            }
        } else if !last.is_end() && b + 1 < nb {
            succ.push(b + 1);
        }
        succ.dedup();
        blocks[b].succs = succ;
    }
    for b in 0..nb {
        for s in blocks[b].succs.clone() {
            if !blocks[s].preds.contains(&b) {
                blocks[s].preds.push(b);
            }
        }
    }
    let (idom, reachable) = dominators(&blocks);
    Cfg {
        blocks,
        idom,
        reachable,
    }
}

/// Reverse postorder of the blocks reachable from block 0.
fn reverse_postorder(blocks: &[Block]) -> Vec<usize> {
    let mut seen = vec![false; blocks.len()];
    let mut post = Vec::with_capacity(blocks.len());
    // Iterative DFS: (block, next successor index).
    let mut stack = vec![(0usize, 0usize)];
    seen[0] = true;
    while let Some(top) = stack.last_mut() {
        let b = top.0;
        if let Some(&s) = blocks[b].succs.get(top.1) {
            top.1 += 1;
            if !seen[s] {
                seen[s] = true;
                stack.push((s, 0));
            }
        } else {
            post.push(b);
            stack.pop();
        }
    }
    post.reverse();
    post
}

fn dominators(blocks: &[Block]) -> (Vec<Option<usize>>, Vec<bool>) {
    let rpo = reverse_postorder(blocks);
    let mut order = vec![usize::MAX; blocks.len()];
    for (i, &b) in rpo.iter().enumerate() {
        order[b] = i;
    }
    let mut idom: Vec<Option<usize>> = vec![None; blocks.len()];
    idom[0] = Some(0);
    let intersect = |idom: &[Option<usize>], mut a: usize, mut b: usize| {
        while a != b {
            while order[a] > order[b] {
                a = idom[a].expect("processed");
            }
            while order[b] > order[a] {
                b = idom[b].expect("processed");
            }
        }
        a
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &b in rpo.iter().skip(1) {
            let mut new: Option<usize> = None;
            for &p in &blocks[b].preds {
                if idom[p].is_none() {
                    continue;
                }
                new = Some(match new {
                    None => p,
                    Some(n) => intersect(&idom, p, n),
                });
            }
            if new.is_some() && idom[b] != new {
                idom[b] = new;
                changed = true;
            }
        }
    }
    let reachable: Vec<bool> = order.iter().map(|&o| o != usize::MAX).collect();
    idom[0] = None;
    (idom, reachable)
}

impl Cfg {
    /// Whether block `a` dominates block `b` (every path from the entry to `b` passes `a`).
    pub fn dominates(&self, a: usize, b: usize) -> bool {
        if !self.reachable[b] {
            return false;
        }
        let mut x = b;
        loop {
            if x == a {
                return true;
            }
            match self.idom[x] {
                Some(d) => x = d,
                None => return false,
            }
        }
    }

    /// The natural loops, merged by header, in header order.
    pub fn loops(&self) -> Vec<Loop> {
        let mut by_header: std::collections::BTreeMap<usize, (Vec<bool>, Vec<usize>)> = Default::default();
        for (u, blk) in self.blocks.iter().enumerate() {
            if !self.reachable[u] {
                continue;
            }
            for &h in &blk.succs {
                if !self.dominates(h, u) {
                    continue;
                }
                let entry = by_header
                    .entry(h)
                    .or_insert_with(|| (vec![false; self.blocks.len()], Vec::new()));
                entry.1.push(u);
                let body = &mut entry.0;
                body[h] = true;
                let mut stack = vec![u];
                while let Some(x) = stack.pop() {
                    if body[x] {
                        continue;
                    }
                    body[x] = true;
                    stack.extend(self.blocks[x].preds.iter().copied().filter(|&p| self.reachable[p]));
                }
            }
        }
        by_header
            .into_iter()
            .map(|(header, (body, mut latches))| {
                latches.sort_unstable();
                latches.dedup();
                Loop {
                    header,
                    blocks: (0..body.len()).filter(|&b| body[b]).collect(),
                    latches,
                }
            })
            .collect()
    }

    /// Instructions in `blocks`.
    pub fn instructions_in(&self, blocks: &[usize]) -> usize {
        blocks.iter().map(|&b| self.blocks[b].len()).sum()
    }
}

/// Blocks of `loops[l]` that are not inside another loop nested in it.
pub fn own_blocks(loops: &[Loop], l: usize) -> Vec<usize> {
    let me = &loops[l];
    let nested: Vec<&Loop> = loops
        .iter()
        .enumerate()
        .filter(|(i, o)| *i != l && o.blocks.len() < me.blocks.len() && me.blocks.binary_search(&o.header).is_ok())
        .map(|(_, o)| o)
        .collect();
    me.blocks
        .iter()
        .copied()
        .filter(|b| !nested.iter().any(|o| o.blocks.binary_search(b).is_ok()))
        .collect()
}

/// The main loop (module docs): index into `loops`, or `None` when there are none.
pub fn main_loop(insns: &[Insn], cfg: &Cfg, loops: &[Loop], is_matrix: impl Fn(&str) -> bool) -> Option<usize> {
    (0..loops.len()).max_by_key(|&l| {
        let own = own_blocks(loops, l);
        let matrix: usize = own
            .iter()
            .map(|&b| {
                let blk = &cfg.blocks[b];
                insns[blk.first..=blk.last]
                    .iter()
                    .filter(|i| is_matrix(&i.mnemonic))
                    .count()
            })
            .sum();
        (matrix, cfg.instructions_in(&own), std::cmp::Reverse(loops[l].header))
    })
}

/// Whether an instruction's mnemonic starts with a rule's mnemonic prefix.
fn matches(insn: &Insn, m: &str) -> bool {
    insn.mnemonic.starts_with(m)
}

/// The steady-state path of `lp` (module docs). `matrix_flops(mnemonic)` is the operations of a matrix instruction
/// (0 for any other). `None` when no latch is reachable on the loop's acyclic body, or no path meets a `flops` rule.
pub fn steady_path(
    insns: &[Insn],
    cfg: &Cfg,
    lp: &Loop,
    rules: &[PathRule],
    matrix_flops: impl Fn(&str) -> u64,
) -> Option<SteadyPath> {
    use std::collections::BTreeMap;
    let in_loop = |b: usize| lp.blocks.binary_search(&b).is_ok();
    // Acyclic body: drop edges to the header and every other back edge (target dominates source).
    let dag_succs = |b: usize| -> Vec<usize> {
        cfg.blocks[b]
            .succs
            .iter()
            .copied()
            .filter(|&s| in_loop(s) && s != lp.header && !cfg.dominates(s, b))
            .collect()
    };
    // Per block: (-avoid hits, -instructions) — additive, compared lexicographically —, its FLOPs, and which `via`
    // rules it counts for. A path's `via` counts are packed 4 bits per rule (at most 16 rules), each capped at the
    // rule's N: a path meets the rule when its count reaches N.
    let vias: Vec<(&str, u32)> = rules
        .iter()
        .filter_map(|r| match r {
            PathRule::Via(m, n) => Some((m.as_str(), *n)),
            _ => None,
        })
        .take(16)
        .collect();
    let bump = |packed: u64, hits: u64| -> u64 {
        let mut out = packed;
        for (k, (_, n)) in vias.iter().enumerate() {
            if hits >> k & 1 == 1 {
                let c = (out >> (4 * k)) & 15;
                if c < *n as u64 {
                    out += 1 << (4 * k);
                }
            }
        }
        out
    };
    let met = |packed: u64| -> u32 {
        vias.iter()
            .enumerate()
            .filter(|(k, (_, n))| (packed >> (4 * k)) & 15 >= *n as u64)
            .count() as u32
    };
    let score = |b: usize| -> ([i64; 2], u64, u64) {
        let blk = &cfg.blocks[b];
        let body = &insns[blk.first..=blk.last];
        let mut s = [0i64; 2];
        for r in rules {
            if let PathRule::Avoid(m) = r {
                if body.iter().any(|i| matches(i, m)) {
                    s[0] -= 1;
                }
            }
        }
        s[1] = -(blk.len() as i64);
        let mask = vias
            .iter()
            .enumerate()
            .filter(|(_, (m, _))| body.iter().any(|i| matches(i, m)))
            .fold(0u64, |acc, (k, _)| acc | 1 << k);
        (s, body.iter().map(|i| matrix_flops(&i.mnemonic)).sum(), mask)
    };
    // Topological order of the DAG from the header (DFS postorder, reversed).
    let mut seen = std::collections::BTreeSet::new();
    let mut post = Vec::new();
    let mut stack = vec![(lp.header, dag_succs(lp.header), 0usize)];
    seen.insert(lp.header);
    while let Some((b, succs, k)) = stack.last_mut() {
        if let Some(&s) = succs.get(*k) {
            *k += 1;
            if seen.insert(s) {
                let ss = dag_succs(s);
                stack.push((s, ss, 0));
            }
        } else {
            post.push(*b);
            stack.pop();
        }
    }
    post.reverse();
    // Dynamic programming over states (block, FLOPs so far, via rules met so far): the best score reaching each,
    // and the state it came from.
    type State = (usize, u64, u64);
    let add = |a: [i64; 2], b: [i64; 2]| [a[0] + b[0], a[1] + b[1]];
    let mut best: BTreeMap<State, ([i64; 2], Option<State>)> = BTreeMap::new();
    let (s0, f0, m0) = score(lp.header);
    best.insert((lp.header, f0, bump(0, m0)), (s0, None));
    for &b in &post {
        let states: Vec<(State, [i64; 2])> = best
            .range((b, 0, 0)..=(b, u64::MAX, u64::MAX))
            .map(|(k, v)| (*k, v.0))
            .collect();
        for (st, sc) in states {
            for s in dag_succs(b) {
                let (bs, bf, bm) = score(s);
                let next = (s, st.1 + bf, bump(st.2, bm));
                let cand = add(sc, bs);
                if best.get(&next).map_or(true, |(cur, _)| cand > *cur) {
                    best.insert(next, (cand, Some(st)));
                }
            }
        }
    }
    let want: Option<u64> = rules.iter().find_map(|r| match r {
        PathRule::Flops(n) => Some(*n),
        _ => None,
    });
    // Final choice: the most via rules met, the fewest avoid blocks, the most FLOPs (unless a flops rule fixes
    // them), the fewest instructions.
    let end = best
        .iter()
        .filter(|((b, f, _), _)| lp.latches.contains(b) && want.map_or(true, |w| w == *f))
        .max_by_key(|((b, f, m), (s, _))| (met(*m), s[0], *f, s[1], std::cmp::Reverse(*b)))
        .map(|(k, _)| *k)?;
    let mut states = vec![end];
    while let Some((_, Some(p))) = best.get(states.last().unwrap()) {
        states.push(*p);
    }
    states.reverse();
    let blocks: Vec<usize> = states.iter().map(|s| s.0).collect();
    let insns_on: Vec<usize> = blocks
        .iter()
        .flat_map(|&b| cfg.blocks[b].first..=cfg.blocks[b].last)
        .collect();
    let rules_met = rules
        .iter()
        .map(|r| match r {
            PathRule::Via(m, n) => {
                blocks
                    .iter()
                    .filter(|&&b| {
                        insns[cfg.blocks[b].first..=cfg.blocks[b].last]
                            .iter()
                            .any(|i| matches(i, m))
                    })
                    .count()
                    >= *n as usize
            }
            PathRule::Avoid(m) => !insns_on.iter().any(|&i| matches(&insns[i], m)),
            PathRule::Flops(_) | PathRule::Units(_) => true,
        })
        .collect();
    Some(SteadyPath {
        blocks,
        insns: insns_on,
        rules_met,
    })
}
