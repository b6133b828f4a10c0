import { Entity, PrimaryGeneratedColumn, Column, ManyToOne } from 'typeorm';
import { User } from './User';

@Entity('photo')
export class Photo {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column('text')
  url!: string;

  @Column()
  caption!: string; // expect: no-missing-migration

  @ManyToOne(() => User, (u) => u.photos)
  user!: User;
}
