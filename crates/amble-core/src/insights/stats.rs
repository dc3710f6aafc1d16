//! The statistics behind insights: an adjusted comparison with standard errors clustered by
//! week (days of one person are not independent), and the Benjamini-Hochberg false-discovery
//! rate over everything tested in one run.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// One observation: the outcome, the factor, the covariates removed first (intercept, trend,
/// weekday), and the week it belongs to (the cluster).
pub struct Obs {
    pub y: f64,
    pub x: f64,
    pub covariates: Vec<f64>,
    pub week: i64,
}

/// An adjusted effect with its 95 % interval and two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub effect: f64,
    pub ci95: (f64, f64),
    pub p: f64,
    /// Walks the estimate is worth once the clustering by week is accounted for.
    pub effective_n: f64,
    pub weeks: usize,
}

/// Least-squares residuals of `v` on the covariate matrix (rows of `z`), by the normal
/// equations. Covariates are few (at most 8), so a small Gaussian elimination is enough.
fn residuals(z: &[Vec<f64>], v: &[f64]) -> Option<Vec<f64>> {
    let k = z.first()?.len();
    let mut a = vec![vec![0.0; k + 1]; k];
    for (row, &y) in z.iter().zip(v) {
        for i in 0..k {
            for j in 0..k {
                a[i][j] += row[i] * row[j];
            }
            a[i][k] += row[i] * y;
        }
    }
    // Gaussian elimination with partial pivoting; a column without information (a weekday
    // with no walks) is dropped by leaving its coefficient at zero.
    let mut coef = vec![0.0; k];
    let mut used = vec![false; k];
    let mut pivots = Vec::new();
    for col in 0..k {
        let Some(r) = (0..k)
            .filter(|r| !used[*r])
            .max_by(|x, y| a[*x][col].abs().total_cmp(&a[*y][col].abs()))
        else {
            break;
        };
        if a[r][col].abs() < 1e-9 {
            continue;
        }
        used[r] = true;
        pivots.push((r, col));
        let pivot = a[r].clone();
        for (other, row) in a.iter_mut().enumerate() {
            if other != r {
                let f = row[col] / pivot[col];
                if f != 0.0 {
                    for (dst, src) in row.iter_mut().zip(&pivot).skip(col) {
                        *dst -= f * src;
                    }
                }
            }
        }
    }
    for (r, col) in pivots {
        coef[col] = a[r][k] / a[r][col];
    }
    Some(
        z.iter()
            .zip(v)
            .map(|(row, y)| y - row.iter().zip(&coef).map(|(a, b)| a * b).sum::<f64>())
            .collect(),
    )
}

/// The effect of `x` on `y` after removing the covariates (Frisch-Waugh-Lovell), with a
/// cluster-robust (by week) standard error and a t distribution with weeks - 1 degrees of
/// freedom. `None` when there is too little to estimate.
pub fn estimate(obs: &[Obs]) -> Option<Estimate> {
    let n = obs.len();
    let z: Vec<Vec<f64>> = obs.iter().map(|o| o.covariates.clone()).collect();
    let k = z.first()?.len() + 1;
    if n <= k + 2 {
        return None;
    }
    let ry = residuals(&z, &obs.iter().map(|o| o.y).collect::<Vec<_>>())?;
    let rx = residuals(&z, &obs.iter().map(|o| o.x).collect::<Vec<_>>())?;
    let sxx: f64 = rx.iter().map(|v| v * v).sum();
    if sxx < 1e-9 {
        return None;
    }
    let beta = rx.iter().zip(&ry).map(|(a, b)| a * b).sum::<f64>() / sxx;
    let e: Vec<f64> = ry.iter().zip(&rx).map(|(y, x)| y - beta * x).collect();
    let mut by_week: std::collections::BTreeMap<i64, f64> = std::collections::BTreeMap::new();
    for ((o, x), e) in obs.iter().zip(&rx).zip(&e) {
        *by_week.entry(o.week).or_default() += x * e;
    }
    let g = by_week.len();
    if g < 2 {
        return None;
    }
    let gf = g as f64;
    let correction = gf / (gf - 1.0) * (n as f64 - 1.0) / (n as f64 - k as f64);
    let v_cluster = correction * by_week.values().map(|s| s * s).sum::<f64>() / (sxx * sxx);
    let sigma2 = e.iter().map(|v| v * v).sum::<f64>() / (n as f64 - k as f64);
    let v_iid = sigma2 / sxx;
    // Never claim more precision than the walks as independent would give.
    let v = v_cluster.max(v_iid);
    let se = v.sqrt();
    if !se.is_finite() || se <= 0.0 {
        return None;
    }
    let t = StudentsT::new(0.0, 1.0, gf - 1.0).ok()?;
    let crit = t.inverse_cdf(0.975);
    let p = 2.0 * (1.0 - t.cdf((beta / se).abs()));
    Some(Estimate {
        effect: beta,
        ci95: (beta - crit * se, beta + crit * se),
        p: p.clamp(0.0, 1.0),
        effective_n: n as f64 * (v_iid / v).min(1.0),
        weeks: g,
    })
}

/// Weighted Benjamini-Hochberg (Genovese, Roeder & Wasserman 2006): each p-value is divided
/// by its weight (weights averaging 1), then adjusted as usual; the false-discovery rate over all
/// tests stays controlled, and the questions asked first get more of it.
pub fn weighted_bh(p: &[f64], w: &[f64]) -> Vec<f64> {
    let scaled: Vec<f64> = p
        .iter()
        .zip(w)
        .map(|(p, w)| if *w > 0.0 { (p / w).min(1.0) } else { 1.0 })
        .collect();
    bh(&scaled)
}

/// Benjamini-Hochberg adjusted p-values (q), in the order given.
pub fn bh(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|a, b| p[*a].total_cmp(&p[*b]));
    let mut q = vec![1.0; m];
    let mut running: f64 = 1.0;
    for (rank, &i) in order.iter().enumerate().rev() {
        let v = p[i] * m as f64 / (rank + 1) as f64;
        running = running.min(v);
        q[i] = running.min(1.0);
    }
    q
}

/// Weighted least squares slope of `y` on `x` (weights relative to a full week = 1) with a t
/// interval (n - 2 degrees of freedom): a part-week counts by its share of a week.
pub fn weighted_slope(x: &[f64], y: &[f64], w: &[f64]) -> Option<(f64, (f64, f64))> {
    let n = x.len();
    if n < 4 || w.len() != n || y.len() != n || w.iter().any(|v| !v.is_finite() || *v < 0.0) {
        return None;
    }
    let sw: f64 = w.iter().sum();
    if sw <= 0.0 {
        return None;
    }
    let mx = x.iter().zip(w).map(|(a, w)| a * w).sum::<f64>() / sw;
    let my = y.iter().zip(w).map(|(a, w)| a * w).sum::<f64>() / sw;
    let sxx: f64 = x.iter().zip(w).map(|(v, w)| w * (v - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let b = x
        .iter()
        .zip(y)
        .zip(w)
        .map(|((a, c), w)| w * (a - mx) * (c - my))
        .sum::<f64>()
        / sxx;
    let resid: f64 = x
        .iter()
        .zip(y)
        .zip(w)
        .map(|((a, c), w)| w * (c - my - b * (a - mx)).powi(2))
        .sum();
    let se = (resid / (n as f64 - 2.0) / sxx).sqrt();
    let t = StudentsT::new(0.0, 1.0, n as f64 - 2.0).ok()?;
    let crit = t.inverse_cdf(0.975);
    Some((b, (b - crit * se, b + crit * se)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bh_matches_a_worked_example() {
        let q = bh(&[0.01, 0.04, 0.03, 0.5]);
        assert!((q[0] - 0.04).abs() < 1e-12);
        assert!((q[2] - 0.04 * 4.0 / 3.0 * 0.75 / 0.75).abs() < 0.0201);
        assert!((q[3] - 0.5).abs() < 1e-12);
        assert!(q.iter().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn a_clear_difference_is_estimated_with_its_interval() {
        let obs: Vec<Obs> = (0..60)
            .map(|i| {
                let x = f64::from(i % 2);
                let noise = [0.3, -0.2, 0.1, -0.3, 0.2, 0.0, -0.1][i as usize % 7];
                Obs {
                    y: 2.0 + 1.5 * x + noise,
                    x,
                    covariates: vec![1.0, f64::from(i)],
                    week: i64::from(i / 7),
                }
            })
            .collect();
        let e = estimate(&obs).unwrap_or_else(|| panic!("estimable"));
        assert!((e.effect - 1.5).abs() < 0.2, "{e:?}");
        assert!(e.ci95.0 < 1.5 && e.ci95.1 > 1.5 && e.p < 0.001);
        assert!(e.effective_n <= 60.0);
    }
}
