// Synthetic rows for the add-on tests and the benchmark (demo data: no real enterprises).
import { makeUscc } from '../../domain/rows/uscc.js';

/** A valid unified social credit code number i (a synthetic one, checksummed). */
export function uscc(i: number): string {
  return makeUscc(`91410222MA${String(i).padStart(7, '0')}`);
}

export function whitelistRow(i: number): Record<string, unknown> {
  return {
    统一社会信用代码: uscc(i),
    名称: `示例工业企业${i}有限公司`,
    所属领域: '工业生产',
    所在乡镇: '城关镇',
    '产值或投资额（万元）': 100 + (i % 50),
    员工人数: 20 + (i % 30),
    状态: '已纳入',
    纳入日期: '2022-06-10',
    联系人: '企业联络员',
    联系电话: `138${String(10000000 + i).slice(-8)}`,
    联系邮箱: `contact${i}@enterprise.example`,
  };
}

export function issueRow(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    反映企业代码: uscc(i),
    企业名称: `示例工业企业${i}有限公司`,
    所属领域: '工业生产',
    所在乡镇: '城关镇',
    问题类别: '物流运输',
    问题描述: `原料运输车辆通行证办理缓慢（第${i}条）`,
    紧急程度: '一般',
    反映日期: '2022-06-10',
    联系人: '企业联络员',
    联系电话: '13800000000',
    ...extra,
  };
}
