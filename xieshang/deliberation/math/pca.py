"""PCA of the vote matrix with mean imputation, and Polis' sparsity-aware projection.

Polis fills a missing vote with its statement's mean and centres every column on the same mean, so
after centring a filled cell is exactly 0: the centred, imputed matrix is as sparse as the votes.
That lets us run the whole PCA on a scipy.sparse matrix without ever building the dense one.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

from .matrix import VoteMatrix


def column_means(vm: VoteMatrix, active: np.ndarray) -> np.ndarray:
    """Mean vote of each statement over the participants who voted on it (0 if nobody did).

    Moderated-out statements (``active`` False) get 0: Polis zeroes their column (Polis math,
    clojure src/polismath/math/conversation.clj ``:rating-mat`` via ``nm/zero-out-columns``), so they
    carry no variance. The mean of a mean-imputed column equals the mean of its votes, which is the
    centre Polis' ``powerit-pca`` subtracts (src/polismath/math/pca.clj).
    """
    values = vm.values()
    sums = np.asarray(values.sum(axis=0)).ravel()
    counts = np.diff(vm.codes.tocsc().indptr).astype(np.float64)
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    means[~active] = 0.0
    return means


def centered_matrix(vm: VoteMatrix, means: np.ndarray, active: np.ndarray) -> sp.csr_matrix:
    """The centred, mean-imputed vote matrix as CSR: x_ij - mean_j where voted, 0 elsewhere.

    Moderated-out columns are all zero (Polis zeroes them before PCA).
    """
    m = vm.codes
    cols = m.indices
    data = (m.data.astype(np.float64) - 2.0) - means[cols]
    data[~active[cols]] = 0.0
    out = sp.csr_matrix((data, cols.copy(), m.indptr.copy()), shape=m.shape)
    out.eliminate_zeros()
    return out


DENSE_LIMIT = 4_000_000
WARM_DENSE_LIMIT = 100_000


def pca_components(
    centred: sp.csr_matrix,
    n_components: int = 2,
    *,
    seed: int = 0,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Top principal axes of the centred (mean-imputed) vote matrix.

    Polis finds each component by power iteration on the centred data, warm-started from the
    previous run's components (Polis math, clojure src/polismath/math/pca.clj ``power-iteration``,
    ``powerit-pca``). Power iteration needs hundreds of sweeps when the first eigenvalues are
    close, as they are in large conversations, so we compute the same axes — the leading right
    singular vectors of the centred matrix — with a Lanczos bidiagonalisation (scipy ``svds``,
    PROPACK, ARPACK as fallback), or an exact dense SVD for small matrices. The previous run's
    first axis (``start``, n_components × n_statements) seeds Lanczos and fixes the signs, so
    successive runs stay on the same axes; otherwise ``seed`` makes the start vector.

    Returns (components, variances): components is n_components × n_statements with unit rows,
    variances the eigenvalues of CᵀC / n_rows.
    """
    n_rows, n_cols = centred.shape
    k = min(n_components, n_rows, n_cols)
    comps = np.zeros((n_components, n_cols))
    variances = np.zeros(n_components)
    if k == 0 or centred.nnz == 0:
        return comps, variances
    warm = start is not None and len(start) and np.linalg.norm(start[0]) > 0
    # A warm start (the previous run's axes) makes Lanczos converge in a few sparse products, well below a dense
    # SVD of a mid-sized matrix; small matrices stay on the exact dense path.
    dense = n_rows * n_cols <= (WARM_DENSE_LIMIT if warm else DENSE_LIMIT)
    if dense or k >= min(n_rows, n_cols) - 1:
        _u, s, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
        s, vt = s[:k], vt[:k]
    else:
        rng = np.random.default_rng(seed)
        v0 = rng.standard_normal(n_cols)
        if start is not None and len(start) and np.linalg.norm(start[0]) > 0:
            v0 = np.asarray(start[0], dtype=np.float64) + 1e-3 * v0 / np.sqrt(n_cols)
        try:
            _u, s, vt = svds(centred, k=k, v0=v0, solver="propack", random_state=seed)
        except Exception:  # noqa: BLE001 - PROPACK is optional in some scipy builds
            _u, s, vt = svds(centred, k=k, v0=v0, solver="arpack", random_state=seed)
        order = np.argsort(-s)
        s, vt = s[order], vt[order]
    comps[:k] = vt
    variances[:k] = s**2 / n_rows
    return _orient(comps, start), variances


def _orient(comps: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Fix each axis' sign: along the previous run's axis if there is one, else by a fixed rule.

    An eigenvector's sign is arbitrary; without this the map could flip between two runs on almost
    the same votes.
    """
    out = comps.copy()
    for i, row in enumerate(out):
        ref = None
        if previous is not None and i < len(previous):
            dot = float(row @ previous[i])
            if abs(dot) > 1e-12:
                ref = dot
        if ref is None:
            j = int(np.argmax(np.abs(row))) if row.size else 0
            ref = row[j] if row.size else 1.0
        if ref < 0:
            out[i] = -row
    return out


def sparsity_aware_projection(
    centred: sp.csr_matrix,
    comps: np.ndarray,
    n_votes: np.ndarray,
    n_statements: int,
) -> np.ndarray:
    """Project each participant on the axes using only the votes they cast, then push sparse voters out.

    Polis math, src/polismath/math/pca.clj ``sparsity-aware-project-ptpt``: the projection sums
    (x_j - centre_j) · pc_j over the statements the participant voted on, and is scaled by
    sqrt(n_statements / max(n_votes, 1)) so that someone who voted on few statements is not pulled
    into the centre by the imputed means. Also Small et al. 2021, "Polis: Scaling deliberation by
    mapping high dimensional opinion spaces", section on the sparsity-aware projection.
    ``centred`` is zero where a participant did not vote, so a plain product does the masked sum.
    """
    proj = np.asarray(centred @ comps.T)
    scale = np.sqrt(n_statements / np.maximum(n_votes, 1).astype(np.float64))
    return proj * scale[:, None]
